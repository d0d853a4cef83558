import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppDeps } from "../context";
import { DomainError, type DomainErrorKind, UnavailableError } from "../domain/errors";
import { backendDown } from "../ports/backends";

/** Seconds a client is told to wait when a backend is down (the circuit breakers probe every 2 s). */
const BACKEND_RETRY_AFTER_SECONDS = 5;

/** Machine-readable error codes: clients branch on these, never on messages. */
export type ErrorCode =
  | "bad_request"
  | "invalid_request"
  | "invalid_cursor"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "internal_error"
  | "service_unavailable"
  | "backend_unavailable"
  | "misconfigured";

export interface ErrorBody {
  error: { code: ErrorCode | string; message: string; requestId: string; details?: unknown };
}

/**
 * An error with an explicit HTTP status, for what only HTTP knows (a body over the size limit). Everything
 * else, guards and routes included, throws domain errors (src/domain/errors.ts), mapped below.
 */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: ErrorCode | string,
    message: string,
    readonly details?: unknown,
  ) {
    super(status, { message });
    this.name = "ApiError";
  }
}

export function errorBody(c: Context, code: string, message: string, details?: unknown): ErrorBody {
  const requestId = (c.get("requestId") as string | undefined) ?? "unknown";
  return { error: { code, message, requestId, ...(details === undefined ? {} : { details }) } };
}

const statusCodes: Partial<Record<number, ErrorCode>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
  503: "service_unavailable",
};

/** The one mapping from a domain error's kind to its HTTP status. */
const domainStatus: Record<DomainErrorKind, ContentfulStatusCode> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

/**
 * Global onError, the one mapper: domain errors get their kind's status and their own code, HTTP-level errors
 * theirs; every failure leaves as the common body. Unknown errors are 500s logged with the request id.
 */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof DomainError) {
    if (err instanceof UnavailableError && err.retryAfterSeconds !== undefined)
      c.header("Retry-After", String(err.retryAfterSeconds));
    return c.json(errorBody(c, err.code, err.message, err.details), domainStatus[err.kind]);
  }
  if (err instanceof ApiError) {
    return c.json(errorBody(c, err.code, err.message, err.details), err.status);
  }
  // A remote backend (session store, vector index) down where no degraded answer exists (a feed cursor's
  // snapshot, a feedback write): 503 naming it, never a 500. The cause is logged, not sent (it names hosts).
  const down = backendDown(err);
  if (down !== null) {
    (c.get("deps") as AppDeps | undefined)?.logger.warn("backend unavailable", {
      requestId: c.get("requestId"),
      backend: down,
      error: err.message,
    });
    c.header("Retry-After", String(BACKEND_RETRY_AFTER_SECONDS));
    return c.json(
      errorBody(c, "backend_unavailable", `${down.replace("_", " ")} is unavailable; retry later`, { backend: down }),
      503,
    );
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = statusCodes[status] ?? (status >= 500 ? "internal_error" : "bad_request");
    // Hono's own exceptions (e.g. malformed JSON from a validator) carry a safe message.
    return c.json(errorBody(c, code, err.message || code), status);
  }
  // The deps middleware runs first on every request; only an error before it could leave the logger unset.
  const logger = (c.get("deps") as AppDeps | undefined)?.logger;
  const fields = { requestId: c.get("requestId"), stack: err.stack };
  if (logger) logger.error(err.message, fields);
  else console.error(JSON.stringify({ level: "error", msg: err.message, ...fields }));
  return c.json(errorBody(c, "internal_error", "internal server error"), 500);
}
