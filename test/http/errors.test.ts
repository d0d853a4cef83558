import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { describe, expect, it } from "vitest";
import {
  ConflictError,
  type DomainError,
  ForbiddenError,
  InvalidInputError,
  notFound,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
  UnprocessableError,
} from "../../src/domain/errors";
import { handleError } from "../../src/http/errors";

const appThrowing = (err: Error) => {
  const app = new Hono();
  app.use("*", requestId());
  app.get("/", () => {
    throw err;
  });
  app.onError(handleError);
  return app;
};

describe("the one error mapper (src/http/errors.ts)", () => {
  it.each<[DomainError, number]>([
    [new InvalidInputError("invalid_cursor", "bad cursor"), 400],
    [new UnauthenticatedError("session_id_required", "who are you"), 401],
    [new ForbiddenError("forbidden", "not yours"), 403],
    [notFound("listing"), 404],
    [new ConflictError("listing_unavailable", "sold", { listingId: "l1", status: "sold" }), 409],
    [new UnprocessableError("cart_empty", "the cart is empty"), 422],
    [new RateLimitedError("rate_limited", "slow down"), 429],
    [new UnavailableError("service_unavailable", "loading"), 503],
  ])("%s → %i with its own code, message and details", async (err, status) => {
    const res = await appThrowing(err).request("/");
    expect(res.status).toBe(status);
    const body = (await res.json()) as {
      error: { code: string; message: string; requestId: string; details?: unknown };
    };
    expect(body.error).toEqual({
      code: err.code,
      message: err.message,
      requestId: res.headers.get("x-request-id"),
      ...(err.details === undefined ? {} : { details: err.details }),
    });
    expect(res.headers.get("retry-after")).toBeNull();
  });

  it("a not-found names what is missing", () => {
    expect(notFound("order")).toMatchObject({ code: "not_found", message: "order not found", kind: "not_found" });
  });

  it("an unavailable error with a retry hint sets Retry-After", async () => {
    const res = await appThrowing(new UnavailableError("service_unavailable", "models loading", 5)).request("/");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
  });

  it("anything else is a 500 internal_error that leaks nothing", async () => {
    const orig = console.error;
    console.error = () => {};
    try {
      const res = await appThrowing(new Error("SELECT secret FROM t")).request("/");
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain("secret");
    } finally {
      console.error = orig;
    }
  });
});
