/**
 * The one registry of machine-readable error codes: each code's HTTP status and meaning. Domain errors only
 * accept codes of their own status (src/domain/errors.ts), the mapper (src/http/errors.ts) takes the status from
 * here, and the OpenAPI document's error schemas list these codes as enums (src/http/openapi.ts). A new failure
 * a client must branch on is a new line here; a code not listed cannot be thrown (it does not typecheck).
 */
export const errorCodes = {
  // 400: the request itself is wrong
  bad_request: { status: 400, description: "Malformed request (e.g. a body that is not JSON)" },
  invalid_request: { status: 400, description: "Input failed validation; `details` lists each issue" },
  invalid_cursor: { status: 400, description: "A cursor that is malformed, expired or from another query" },
  empty_photo: { status: 400, description: "The uploaded photo is empty" },
  end_user_required: {
    status: 400,
    description:
      "An API key call names no end user or session (x-end-user-id / end_user_id, x-session-id / session_id)",
  },
  end_user_requires_api_key: { status: 400, description: "Only API key callers name end users (x-end-user-id)" },
  invalid_end_user_id: { status: 400, description: "x-end-user-id must be 1-128 characters of A-Z a-z 0-9 _ -" },
  // 401: no caller, or credentials that do not identify one
  unauthorized: { status: 401, description: "Authentication required" },
  invalid_session: { status: 401, description: "The session is invalid, expired or revoked" },
  session_idle: { status: 401, description: "The session expired after inactivity" },
  invalid_api_key: { status: 401, description: "The API key is invalid, revoked or expired" },
  session_id_required: {
    status: 401,
    description: "Anonymous calls need a session id (rc_sid cookie, x-session-id or session_id)",
  },
  // 403: a known caller who may not do this
  forbidden: { status: 403, description: "Your role does not allow this" },
  insufficient_scope: { status: 403, description: "The API key lacks the scope this route needs" },
  session_required: { status: 403, description: "This route needs a signed-in user, not an API key" },
  origin_not_allowed: { status: 403, description: "A cookie-authenticated write from an origin not allowed" },
  // 404: missing, or hidden from this caller
  not_found: { status: 404, description: "Not found, or not yours" },
  version_not_found: { status: 404, description: "The model has no loadable version of that name" },
  session_not_found: { status: 404, description: "No session of yours has this token" },
  method_not_allowed: { status: 405, description: "The route does not accept this method" },
  // 409: conflicts with the current state
  conflict: { status: 409, description: "The resource changed meanwhile; reload and retry" },
  own_listing: { status: 409, description: "You cannot buy your own listing" },
  listing_unavailable: { status: 409, description: "The listing is sold, reserved or withdrawn" },
  invalid_transition: { status: 409, description: "The listing's state does not allow this change" },
  key_not_active: { status: 409, description: "The API key was revoked or rotated" },
  idempotency_key_reused: { status: 409, description: "The Idempotency-Key already placed another order" },
  cannot_modify_self: { status: 409, description: "Admins cannot change their own role or ban themselves" },
  no_previous_version: { status: 409, description: "The model has no version older than the live one" },
  too_many_photos: { status: 409, description: "The listing already holds PHOTOS_PER_LISTING_MAX photos" },
  cart_changed: { status: 409, description: "The cart changed during checkout; review it and retry" },
  payload_too_large: { status: 413, description: "The request body exceeds MAX_BODY_BYTES" },
  unsupported_media_type: { status: 415, description: "The request body's content type is not accepted" },
  photo_too_large: { status: 413, description: "The photo exceeds PHOTO_MAX_BYTES" },
  unsupported_photo_type: { status: 415, description: "Not a JPEG, PNG or WebP image (checked from its bytes)" },
  // 422: well-formed, but refers to something unusable
  unprocessable: { status: 422, description: "The request refers to something unusable" },
  unknown_product: { status: 422, description: "The product does not exist" },
  cart_empty: { status: 422, description: "The cart is empty" },
  mixed_currencies: { status: 422, description: "The cart mixes currencies; check out one at a time" },
  terms_version_mismatch: { status: 422, description: "The seller terms version accepted is not the one in force" },
  unknown_photo: { status: 422, description: "An uploaded photo can only be added by uploading it to this listing" },
  payment_declined: { status: 422, description: "The payment was declined" },
  // 429: over a rate or usage limit (see Retry-After)
  rate_limited: { status: 429, description: "Over a rate or usage limit; retry after Retry-After seconds" },
  internal_error: { status: 500, description: "An unexpected failure, logged with the request id" },
  // 503: temporarily unable to answer (see Retry-After)
  service_unavailable: { status: 503, description: "Temporarily unavailable (models loading); retry later" },
  misconfigured: { status: 503, description: "The deployment's configuration is invalid (Workers)" },
  object_storage_unconfigured: { status: 503, description: "No object storage (the Worker's R2 binding PHOTOS)" },
  backend_unavailable: {
    status: 503,
    description: "A backend this request needs (session store, vector index) is down; `details.backend` names it",
  },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof errorCodes;
export type ErrorStatus = (typeof errorCodes)[ErrorCode]["status"];
/** The codes registered with HTTP status `S`. */
export type ErrorCodeOf<S extends ErrorStatus> = {
  [K in ErrorCode]: (typeof errorCodes)[K]["status"] extends S ? K : never;
}[ErrorCode];

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(errorCodes, code);

/** Every registered code with status `status`, in registry order. */
export function codesWithStatus<S extends ErrorStatus>(status: S): ErrorCodeOf<S>[] {
  return (Object.keys(errorCodes) as ErrorCode[]).filter((k) => errorCodes[k].status === status) as ErrorCodeOf<S>[];
}

/** The generic code of each status, for failures that carry no more specific one (Hono's own exceptions). */
export const statusCode = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "unprocessable",
  429: "rate_limited",
  500: "internal_error",
  503: "service_unavailable",
} as const satisfies { [S in ErrorStatus]: ErrorCodeOf<S> };
