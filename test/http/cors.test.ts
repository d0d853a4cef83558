import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config";
import { createTestApp, type TestApp } from "../helpers/app";
import { createUser } from "../helpers/auth";

const APP = "https://partner.example";
const EVIL = "https://evil.example";

describe("CORS allow-list (CORS_ORIGINS)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { CORS_ORIGINS: `${APP}, http://localhost:5173` });
  });
  afterAll(() => t.cleanup());

  const preflight = (origin: string, path = "/v1/cart", method = "PUT") =>
    t.app.request(path, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": method,
        "access-control-request-headers": "content-type, authorization",
      },
    });

  it("a listed origin's preflight is 204 with its origin, credentials, methods and headers", async () => {
    const res = await preflight(APP);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-allow-methods")).toContain("PUT");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    expect(res.headers.get("access-control-max-age")).toBe("600");
    expect(res.headers.get("vary")).toContain("Origin");
    // better-auth's routes too (sign-in from the partner app).
    expect((await preflight(APP, "/api/auth/sign-in/email", "POST")).headers.get("access-control-allow-origin")).toBe(
      APP,
    );
  });

  it("an unlisted origin gets no CORS headers at all (no credentials, no wildcard)", async () => {
    const res = await preflight(EVIL);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    const get = await t.app.request("/v1/categories", { headers: { origin: EVIL } });
    expect(get.status).toBe(200);
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
    expect(get.headers.get("vary")).toContain("Origin");
    // Origins match exactly: a prefix or another scheme is not the listed origin.
    for (const o of ["https://partner.example.evil.com", "http://partner.example", "null"])
      expect((await preflight(o)).headers.get("access-control-allow-origin")).toBeNull();
  });

  it("a listed origin's actual request carries the headers and exposes the request id, errors included", async () => {
    const ok = await t.app.request("/v1/categories", { headers: { origin: APP } });
    expect(ok.headers.get("access-control-allow-origin")).toBe(APP);
    expect(ok.headers.get("access-control-allow-credentials")).toBe("true");
    expect(ok.headers.get("access-control-expose-headers")?.toLowerCase()).toContain("x-request-id");
    const denied = await t.app.request("/v1/cart", { headers: { origin: APP } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("access-control-allow-origin")).toBe(APP);
  });

  it("cookie-authenticated writes from a listed origin pass the origin check; from others they are 403", async () => {
    const u = await createUser(t, "buyer");
    const write = (origin: string) =>
      t.app.request("/v1/seller/onboarding", {
        method: "POST",
        headers: { origin, cookie: u.cookie, "content-type": "application/json" },
        body: JSON.stringify({ acceptTerms: true, termsVersion: "x" }),
      });
    expect((await write(APP)).status).toBe(422); // past the origin check: the body's terms version is wrong
    expect((await write(EVIL)).status).toBe(403);
  });

  it("without CORS_ORIGINS nothing changes: no CORS headers for anyone", async () => {
    const plain = await createTestApp();
    try {
      const res = await plain.app.request("/v1/categories", { headers: { origin: APP } });
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      plain.cleanup();
    }
  });

  it("config refuses entries that are not exact origins", () => {
    for (const bad of ["*", "https://a.example/path", "partner.example", "ftp://x.example", "https://*.example"])
      expect(() => loadConfig({ CORS_ORIGINS: bad }), bad).toThrow(ConfigError);
    expect(loadConfig({ CORS_ORIGINS: "https://a.example, https://b.example:8443" }).CORS_ORIGINS).toEqual([
      "https://a.example",
      "https://b.example:8443",
    ]);
  });
});
