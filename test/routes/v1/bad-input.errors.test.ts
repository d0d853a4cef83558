import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "../../helpers/auth";
import { createMarket, listDevice, type Market } from "./_fixtures";

/**
 * Bad input of every kind, over every marketplace route that takes a body: always a 4xx with the common
 * error body, never a 500.
 */
describe("bad input never reaches a 500", () => {
  let t: Market;
  let listingId: string;
  let keyId: string;
  beforeAll(async () => {
    t = await createMarket({ MAX_BODY_BYTES: "2048" });
    listingId = (await listDevice(t, t.seller)).id;
    const k = await t.app.request("/v1/api-keys", {
      method: "POST",
      headers: { ...t.seller.headers, "content-type": "application/json" },
      body: JSON.stringify({ name: "k", scopes: ["catalog:read"] }),
    });
    keyId = (await json<{ id: string }>(k)).id;
  });
  afterAll(() => t.cleanup());

  const routes = () => [
    { method: "POST", path: "/v1/listings" },
    { method: "PATCH", path: `/v1/listings/${listingId}` },
    { method: "POST", path: "/v1/api-keys" },
    { method: "PUT", path: `/v1/admin/users/${t.buyer.userId}/role`, admin: true },
    { method: "POST", path: `/v1/admin/users/${t.buyer.userId}/ban`, admin: true },
  ];
  const bodies: [string, string, string][] = [
    ["malformed JSON", "{not json", "application/json"],
    ["truncated JSON", '{"name": "x", "scopes": [', "application/json"],
    ["a JSON string", '"hello"', "application/json"],
    ["a JSON number", "42", "application/json"],
    ["deeply nested", "[".repeat(500) + "]".repeat(500), "application/json"],
    [
      "wrong types everywhere",
      JSON.stringify({ name: 1, scopes: {}, productId: [], condition: null, price: "free", role: 7, status: true }),
      "application/json",
    ],
    ["oversize", JSON.stringify({ description: "x".repeat(4000) }), "application/json"],
    ["form encoded", "a=1&b=2", "application/x-www-form-urlencoded"],
    ["plain text", "hello", "text/plain"],
  ];

  it("every route × every bad body: 4xx with the common error body", async () => {
    for (const r of routes()) {
      for (const [name, body, type] of bodies) {
        const headers = { ...(r.admin ? t.admin.headers : t.seller.headers), "content-type": type };
        const res = await t.app.request(r.path, { method: r.method, headers, body });
        const label = `${r.method} ${r.path} with ${name}`;
        expect(res.status, label).toBeGreaterThanOrEqual(400);
        expect(res.status, label).toBeLessThan(500);
        const b = await json<{ error?: { code?: string; requestId?: string } }>(res);
        expect(b.error?.code, label).toBeTruthy();
        expect(b.error?.requestId, label).toBeTruthy();
      }
    }
  });

  it("path parameters of the wrong shape are 4xx too", async () => {
    for (const path of [
      `/v1/orders/${"z".repeat(200)}`,
      `/v1/favorites/listing/${"q".repeat(100)}`,
      `/v1/api-keys/${keyId}x/rotate`,
    ]) {
      const method = path.includes("favorites") ? "PUT" : path.includes("rotate") ? "POST" : "GET";
      const res = await t.app.request(path, { method, headers: t.seller.headers });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
  });

  it("better-auth's routes answer bad input with 4xx and the common error object too", async () => {
    for (const path of ["/api/auth/sign-up/email", "/api/auth/sign-in/email", "/api/auth/change-password"]) {
      for (const [name, body, type] of bodies) {
        const res = await t.app.request(path, {
          method: "POST",
          headers: {
            ...t.buyer.headers,
            "content-type": type,
            "x-forwarded-for": `10.200.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
          },
          body,
        });
        const label = `${path} with ${name}`;
        expect(res.status, label).toBeGreaterThanOrEqual(400);
        expect(res.status, label).toBeLessThan(500);
        expect((await json<{ error?: { code?: string } }>(res)).error?.code, label).toBeTruthy();
      }
    }
  });
});
