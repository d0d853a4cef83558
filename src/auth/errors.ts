import { errorCodes, type ErrorCodeOf, type ErrorStatus, isErrorCode, statusCode } from "../domain/error-codes";
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

type Make = (code: string, message: string, details?: unknown) => DomainError;
/** better-auth's code is ours when the code map has it with the same status. */
const ownCode = (status: number, code: string) => isErrorCode(code) && errorCodes[code].status === status;
/** Its own code when the code map has it with this status, else the status's generic code. */
const codeFor = <S extends ErrorStatus>(status: S, code: string): ErrorCodeOf<S> =>
  (ownCode(status, code) ? code : statusCode[status]) as ErrorCodeOf<S>;
const byStatus: Partial<Record<number, Make>> = {
  400: (c, m, d) => new InvalidInputError(codeFor(400, c), m, d),
  401: (c, m, d) => new UnauthenticatedError(codeFor(401, c), m, d),
  403: (c, m, d) => new ForbiddenError(codeFor(403, c), m, d),
  404: (c, m, d) => new NotFoundError(codeFor(404, c), m, d),
  409: (c, m, d) => new ConflictError(codeFor(409, c), m, d),
  422: (c, m, d) => new UnprocessableError(codeFor(422, c), m, d),
  429: (c, m, d) => new RateLimitedError(codeFor(429, c), m, d),
  503: (c, m) => new UnavailableError(codeFor(503, c), m),
};

/**
 * better-auth's server-side calls throw its own APIError carrying an HTTP status; turn it into the domain
 * error of that kind so it leaves as the common error body. Its code is kept when the code map (one code, one
 * status) has it, else the status's generic code is sent and better-auth's own code goes in `details.authCode`.
 * Anything else, including a better-auth 5xx, stays as it is: an internal error, logged.
 */
export function fromAuthError(err: unknown): unknown {
  if (!isAuthApiError(err)) return err;
  const make = byStatus[err.statusCode];
  if (!make) return err;
  const code = (err.body?.code ?? "auth_error").toLowerCase();
  const message = err.body?.message ?? err.message ?? code;
  return make(code, message, ownCode(err.statusCode, code) ? undefined : { authCode: code });
}
