import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../../helpers/auth";
import { createMarket, errorCode, send, type Market } from "./_fixtures";

describe("API keys: errors", () => {
  let t: Market;
  beforeAll(async () => {
    t = await createMarket();
  });
  afterAll(() => t.cleanup());

  const bad: [string, unknown][] = [
    ["unknown scope", { name: "k", scopes: ["orders:write"] }],
    ["no scopes", { name: "k", scopes: [] }],
    ["duplicate scopes", { name: "k", scopes: ["catalog:read", "catalog:read"] }],
    ["missing name", { scopes: ["catalog:read"] }],
    ["name too long", { name: "x".repeat(33), scopes: ["catalog:read"] }],
    ["unknown field (e.g. trying to set the owner)", { name: "k", scopes: ["catalog:read"], userId: "someone" }],
    ["rate limit of zero", { name: "k", scopes: ["catalog:read"], rateLimitMax: 0 }],
    ["scopes as a string", { name: "k", scopes: "catalog:read" }],
  ];
  for (const [name, body] of bad) {
    it(`${name}: 400 invalid_request`, async () => {
      const res = await send(t, "POST", "/v1/api-keys", t.buyer.headers, body);
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe("invalid_request");
    });
  }

  it("rotating a revoked key: 409 key_not_active", async () => {
    const k = await createKey(t, t.buyer, ["catalog:read"]);
    await send(t, "DELETE", `/v1/api-keys/${k.id}`, t.buyer.headers);
    const res = await send(t, "POST", `/v1/api-keys/${k.id}/rotate`, t.buyer.headers);
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe("key_not_active");
  });

  it("unknown key id: 404", async () => {
    expect((await send(t, "DELETE", "/v1/api-keys/nope", t.buyer.headers)).status).toBe(404);
  });

  it("a key cannot manage keys (403 session_required)", async () => {
    const k = await createKey(t, t.buyer, ["catalog:read", "listings:read", "recommendations:read", "events:write"]);
    const res = await send(t, "POST", "/v1/api-keys", k.headers, { name: "child", scopes: ["catalog:read"] });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("session_required");
  });
});
