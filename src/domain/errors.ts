import type { ErrorCodeOf, ErrorStatus } from "./error-codes";

/**
 * Domain errors: what went wrong, in the domain's words, with the machine code clients branch on. Services,
 * recsys and auth throw these and know nothing of HTTP. Each kind accepts only the codes registered with its
 * status in the one code map (./error-codes.ts), which src/http/errors.ts reads to answer with the common body.
 */
export type DomainErrorKind =
  | "invalid_input"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "unprocessable"
  | "rate_limited"
  | "unavailable";

/** The HTTP status of each kind; a kind's codes are the registry's codes of that status. */
export const kindStatus = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
} as const satisfies Record<DomainErrorKind, ErrorStatus>;
type CodeOfKind<K extends DomainErrorKind> = ErrorCodeOf<(typeof kindStatus)[K]>;

export abstract class DomainError<K extends DomainErrorKind = DomainErrorKind> extends Error {
  abstract readonly kind: K;
  constructor(
    /** Machine-readable, lower snake case (e.g. `listing_unavailable`), registered in error-codes.ts. */
    readonly code: CodeOfKind<K>,
    message: string,
    /** Structured facts for the client (e.g. `{ listingId, status }`), sent as `error.details`. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request itself is wrong (a malformed cursor, a query that cannot be run). */
export class InvalidInputError extends DomainError<"invalid_input"> {
  readonly kind = "invalid_input";
}

/** No caller, or credentials that do not identify one. */
export class UnauthenticatedError extends DomainError<"unauthenticated"> {
  readonly kind = "unauthenticated";
}

/** A known caller who may not do this. */
export class ForbiddenError extends DomainError<"forbidden"> {
  readonly kind = "forbidden";
}

/** Missing, or hidden from this caller (the two are indistinguishable on purpose). */
export class NotFoundError extends DomainError<"not_found"> {
  readonly kind = "not_found";
}

export const notFound = (what = "resource") => new NotFoundError("not_found", `${what} not found`);

/** Conflicts with the current state (sold meanwhile, a transition the state machine refuses). */
export class ConflictError extends DomainError<"conflict"> {
  readonly kind = "conflict";
}

/** Well-formed, but refers to something unusable (an unknown product, an empty cart). */
export class UnprocessableError extends DomainError<"unprocessable"> {
  readonly kind = "unprocessable";
}

/** Over a rate or usage limit. */
export class RateLimitedError extends DomainError<"rate_limited"> {
  readonly kind = "rate_limited";
}

/** Temporarily unable to answer (models still loading); the client may retry after `retryAfterSeconds`. */
export class UnavailableError extends DomainError<"unavailable"> {
  readonly kind = "unavailable";
  constructor(
    code: CodeOfKind<"unavailable">,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message);
  }
}
