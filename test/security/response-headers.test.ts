import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestApp, createTestApp } from "../helpers/app";
import { type TestUser, postJson, signUp } from "../helpers/auth";

let t: TestApp;
let u: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  u = await signUp(t);
});
afterAll(() => t.cleanup());

describe("response headers", () => {
  it("signed-in responses are Cache-Control: no-store (the new API key's answer included)", async () => {
    const key = await postJson(t, "/v1/api-keys", { name: "k", scopes: ["catalog:read"] }, u.headers);
    expect(key.status).toBe(201);
    expect(key.headers.get("cache-control")).toBe("no-store");
    const list = await t.app.request("/v1/api-keys", { headers: u.headers });
    expect(list.headers.get("cache-control")).toBe("no-store");
  });

  it("every API response carries the strict Content-Security-Policy and Permissions-Policy", async () => {
    for (const path of ["/healthz", "/docs", "/v1/categories", "/v1/nope"]) {
      const res = await t.app.request(path);
      expect(res.headers.get("content-security-policy"), path).toContain("default-src 'none'");
      expect(res.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
      expect(res.headers.get("permissions-policy"), path).toContain("camera=()");
    }
  });

  it("storefront pages (an unknown page included) get the page policy: own scripts only, no framing", async () => {
    for (const path of ["/", "/nope"]) {
      const res = await t.app.request(path);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).not.toContain("unsafe-inline");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(res.headers.get("permissions-policy"), path).toContain("camera=()");
    }
  });
});
