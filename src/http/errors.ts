import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppDeps } from "../context";
import { type ErrorCode, errorCodes, statusCode } from "../domain/error-codes";
import { DomainError, UnavailableError } from "../domain/errors";

export type { ErrorCode } from "../domain/error-codes";
import { backendDown } from "../ports/backends";

/** Seconds a client is told to wait when a backend is down (the circuit breakers probe every 2 s). */
const BACKEND_RETRY_AFTER_SECONDS = 5;

export interface ErrorBody<C extends string = ErrorCode> {
  error: { code: C; message: string; requestId: string; details?: unknown };
}

/**
 * An error only HTTP knows (a body over the size limit), its status that of its code. Everything else, guards
 * and routes included, throws domain errors (src/domain/errors.ts), mapped below.
 */
export class ApiError extends HTTPException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(errorCodes[code].status, { message });
    this.name = "ApiError";
  }
}

export function errorBody(c: Context, code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return foreignErrorBody(c, code, message, details);
}

/**
 * The common body around a code that is not ours: better-auth's own codes on /api/auth/* (its routes are not
 * in the OpenAPI document, and its client library branches on them). Everything else uses errorBody.
 */
export function foreignErrorBody<C extends string>(
  c: Context,
  code: C,
  message: string,
  details?: unknown,
): ErrorBody<C> {
  const requestId = (c.get("requestId") as string | undefined) ?? "unknown";
  return { error: { code, message, requestId, ...(details === undefined ? {} : { details }) } };
}

/**
 * Global onError, the one mapper: domain errors and ApiErrors get their code's status from the one code map
 * (src/domain/error-codes.ts), Hono's own exceptions the generic code of their status; every failure leaves as the common body. Unknown errors are 500s logged with the request id.
 */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof DomainError) {
    if (err instanceof UnavailableError && err.retryAfterSeconds !== undefined)
      c.header("Retry-After", String(err.retryAfterSeconds));
    return c.json(errorBody(c, err.code, err.message, err.details), errorCodes[err.code].status);
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
    const code: ErrorCode =
      status in statusCode
        ? statusCode[status as keyof typeof statusCode]
        : status >= 500
          ? "internal_error"
          : "bad_request";
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
