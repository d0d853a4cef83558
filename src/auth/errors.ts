import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError } from "../http/errors";

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

/**
 * better-auth's server-side calls throw its own APIError; turn it into ours (lower-case machine code,
 * same status) so it leaves as the common error body instead of a 500.
 */
export function fromAuthError(err: unknown): unknown {
  if (err instanceof ApiError || !isAuthApiError(err)) return err;
  const status = (err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500) as ContentfulStatusCode;
  const code = (err.body?.code ?? "auth_error").toLowerCase();
  return new ApiError(status, code, err.body?.message ?? err.message ?? code);
}
