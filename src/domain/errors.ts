/**
 * Domain errors: what went wrong, in the domain's words, with the machine code clients branch on. Services,
 * recsys and auth throw these and know nothing of HTTP; src/http/errors.ts is the one place that maps each
 * kind to a status and the common error body.
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

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    /** Machine-readable, lower snake case (e.g. `listing_unavailable`); stable for clients. */
    readonly code: string,
    message: string,
    /** Structured facts for the client (e.g. `{ listingId, status }`), sent as `error.details`. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request itself is wrong (a malformed cursor, a query that cannot be run). */
export class InvalidInputError extends DomainError {
  readonly kind = "invalid_input";
}

/** No caller, or credentials that do not identify one. */
export class UnauthenticatedError extends DomainError {
  readonly kind = "unauthenticated";
}

/** A known caller who may not do this. */
export class ForbiddenError extends DomainError {
  readonly kind = "forbidden";
}

/** Missing, or hidden from this caller (the two are indistinguishable on purpose). */
export class NotFoundError extends DomainError {
  readonly kind = "not_found";
}

export const notFound = (what = "resource") => new NotFoundError("not_found", `${what} not found`);

/** Conflicts with the current state (sold meanwhile, a transition the state machine refuses). */
export class ConflictError extends DomainError {
  readonly kind = "conflict";
}

/** Well-formed, but refers to something unusable (an unknown product, an empty cart). */
export class UnprocessableError extends DomainError {
  readonly kind = "unprocessable";
}

/** Over a rate or usage limit. */
export class RateLimitedError extends DomainError {
  readonly kind = "rate_limited";
}

/** Temporarily unable to answer (models still loading); the client may retry after `retryAfterSeconds`. */
export class UnavailableError extends DomainError {
  readonly kind = "unavailable";
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message);
  }
}
