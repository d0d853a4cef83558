import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { codesWithStatus, type ErrorCode, errorCodes, statusCode } from "../../src/domain/error-codes";
import {
  ConflictError,
  type DomainError,
  type DomainErrorKind,
  ForbiddenError,
  InvalidInputError,
  kindStatus,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
  UnprocessableError,
} from "../../src/domain/errors";
import { ApiError, handleError } from "../../src/http/errors";

/** The one code map (src/domain/error-codes.ts) drives the statuses the mapper answers with. */
const byKind: Record<DomainErrorKind, (code: never) => DomainError> = {
  invalid_input: (c) => new InvalidInputError(c, "m"),
  unauthenticated: (c) => new UnauthenticatedError(c, "m"),
  forbidden: (c) => new ForbiddenError(c, "m"),
  not_found: (c) => new NotFoundError(c, "m"),
  conflict: (c) => new ConflictError(c, "m"),
  unprocessable: (c) => new UnprocessableError(c, "m"),
  rate_limited: (c) => new RateLimitedError(c, "m"),
  unavailable: (c) => new UnavailableError(c, "m"),
};

const answer = async (err: Error) => {
  const app = new Hono().get("/", () => {
    throw err;
  });
  app.onError(handleError);
  const res = await app.request("/");
  return { status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code };
};

describe("the error-code map", () => {
  it("codes are lower snake case with a 4xx/5xx status and a description", () => {
    for (const [code, { status, description }] of Object.entries(errorCodes)) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(description.length, code).toBeGreaterThan(10);
    }
  });

  it("each status's generic code has that status", () => {
    for (const [status, code] of Object.entries(statusCode)) expect(errorCodes[code].status).toBe(Number(status));
  });

  it.each(Object.entries(kindStatus))("every %s code answers %i through the mapper", async (kind, status) => {
    const codes = codesWithStatus(status);
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) {
      const err = byKind[kind as DomainErrorKind](code as never);
      expect(await answer(err)).toEqual({ status, code });
    }
  });

  it("an ApiError answers its code's status", async () => {
    const code: ErrorCode = "payload_too_large";
    expect(await answer(new ApiError(code, "too big"))).toEqual({ status: 413, code });
  });

  it("a code outside the map does not typecheck", () => {
    // @ts-expect-error: not a registered code
    expect(new ConflictError("made_up_code", "m").code).toBe("made_up_code");
    // @ts-expect-error: registered, but a 404 code, not a 409 one
    expect(new ConflictError("not_found", "m").code).toBe("not_found");
  });
});
