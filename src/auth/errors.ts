import {
  ConflictError,
  type DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
  UnprocessableError,
} from "../domain/errors";

interface AuthApiErrorLike {
  statusCode: number;
  body?: { code?: string; message?: string };
  message?: string;
}

const isAuthApiError = (e: unknown): e is AuthApiErrorLike =>
  typeof e === "object" &&
  e !== null &&
  "statusCode" in e &&
  typeof (e as { statusCode: unknown }).statusCode === "number";

type Make = (code: string, message: string) => DomainError;
const byStatus: Partial<Record<number, Make>> = {
  400: (c, m) => new InvalidInputError(c, m),
  401: (c, m) => new UnauthenticatedError(c, m),
  403: (c, m) => new ForbiddenError(c, m),
  404: (c, m) => new NotFoundError(c, m),
  409: (c, m) => new ConflictError(c, m),
  422: (c, m) => new UnprocessableError(c, m),
  429: (c, m) => new RateLimitedError(c, m),
  503: (c, m) => new UnavailableError(c, m),
};

/**
 * better-auth's server-side calls throw its own APIError carrying an HTTP status; turn it into the domain
 * error of that kind (lower-case machine code) so it leaves as the common error body. Anything else,
 * including a better-auth 5xx, stays as it is: an internal error, logged.
 */
export function fromAuthError(err: unknown): unknown {
  if (!isAuthApiError(err)) return err;
  const make = byStatus[err.statusCode];
  if (!make) return err;
  const code = (err.body?.code ?? "auth_error").toLowerCase();
  return make(code, err.body?.message ?? err.message ?? code);
}
