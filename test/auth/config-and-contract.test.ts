import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config";
import { resolveAuthSecret } from "../../src/auth/secret";
import { createTestApp, type TestApp } from "../helpers/app";

describe("auth configuration", () => {
  it("production refuses to start without BETTER_AUTH_SECRET, naming it", () => {
    try {
      loadConfig({ NODE_ENV: "production", DATABASE_URL: "file:./x.db" });
      throw new Error("expected a ConfigError");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues.map((i) => i.variable)).toContain("BETTER_AUTH_SECRET");
    }
  });

  it("production uses the configured secret; development derives a stable one", () => {
    const secret = "s".repeat(40);
    expect(resolveAuthSecret(loadConfig({ NODE_ENV: "production", BETTER_AUTH_SECRET: secret }))).toBe(secret);
    const dev = loadConfig({ NODE_ENV: "test", DATABASE_URL: "file:./a.db" });
    expect(resolveAuthSecret(dev)).toBe(resolveAuthSecret(dev));
    expect(resolveAuthSecret(dev).length).toBeGreaterThanOrEqual(32);
  });
});

describe("OpenAPI contract", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.cleanup());

  it("documents every marketplace route with its security schemes", async () => {
    const doc = (await (await t.app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { securitySchemes?: Record<string, unknown> };
    };
    for (const path of [
      "/v1/listings",
      "/v1/listings/{id}",
      "/v1/cart",
      "/v1/cart/items/{listingId}",
      "/v1/checkout",
      "/v1/orders",
      "/v1/orders/{id}",
      "/v1/favorites",
      "/v1/favorites/{type}/{id}",
      "/v1/api-keys",
      "/v1/api-keys/{id}",
      "/v1/api-keys/{id}/rotate",
      "/v1/admin/users",
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(Object.keys(doc.components.securitySchemes ?? {})).toEqual(
      expect.arrayContaining(["session", "bearer", "apiKey"]),
    );
    expect(doc.paths["/v1/cart"]!.get!.security).toBeDefined();
  });

  it("sets the anonymous session cookie once and honours x-session-id", async () => {
    const first = await t.app.request("/v1/listings");
    expect(first.headers.getSetCookie().some((c) => c.startsWith("rc_sid=") && c.includes("HttpOnly"))).toBe(true);
    const again = await t.app.request("/v1/listings", { headers: { cookie: "rc_sid=abcdefgh12345678" } });
    expect(again.headers.getSetCookie().some((c) => c.startsWith("rc_sid="))).toBe(false);
    const app = await t.app.request("/v1/listings", { headers: { "x-session-id": "app-session-0001" } });
    expect(app.headers.getSetCookie().some((c) => c.startsWith("rc_sid="))).toBe(false);
  });
});

describe("cookie sessions and origins (CSRF)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { AUTH_TRUSTED_ORIGINS: "https://shop.example" });
  });
  afterAll(() => t.cleanup());

  it("a cookie-bearing POST from an untrusted origin is refused; a trusted origin passes", async () => {
    const { signUp } = await import("../helpers/auth");
    const u = await signUp(t);
    const evil = await t.app.request("/api/auth/sign-out", {
      method: "POST",
      headers: { cookie: u.cookie, origin: "https://evil.example" },
    });
    expect(evil.status).toBe(403);
    expect((await t.app.request("/v1/cart", { headers: { cookie: u.cookie } })).status).toBe(200);
    const ok = await t.app.request("/api/auth/sign-out", {
      method: "POST",
      headers: { cookie: u.cookie, origin: "https://shop.example" },
    });
    expect(ok.status).toBe(200);
    expect((await t.app.request("/v1/cart", { headers: { cookie: u.cookie } })).status).toBe(401);
  });
});
