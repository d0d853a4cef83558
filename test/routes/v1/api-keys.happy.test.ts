import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apikey } from "../../../src/db/schema/auth";
import { createKey, json } from "../../helpers/auth";
import { createMarket, errorCode, send, type Market } from "./_fixtures";

interface KeyView {
  id: string;
  key?: string;
  scopes: string[];
  status: string;
  rateLimit: { max: number; windowSeconds: number } | null;
}

describe("API keys: happy paths", () => {
  let t: Market;
  beforeAll(async () => {
    t = await createMarket({ API_KEY_RATE_LIMIT_MAX: "50" });
  });
  afterAll(() => t.cleanup());

  it("creates a key shown once, stores only its hash, lists it without the secret", async () => {
    const res = await send(t, "POST", "/v1/api-keys", t.buyer.headers, {
      name: "partner",
      scopes: ["catalog:read", "listings:read"],
    });
    expect(res.status).toBe(201);
    const created = await json<KeyView>(res);
    expect(created.key).toMatch(/^rc_/);
    expect(created.scopes).toEqual(["catalog:read", "listings:read"]);
    const row = await t.db.select().from(apikey).where(eq(apikey.id, created.id)).get();
    expect(row!.key).not.toBe(created.key);
    expect(row!.key).not.toContain(created.key!.slice(3, 20));
    const list = await json<{ items: KeyView[] }>(await send(t, "GET", "/v1/api-keys", t.buyer.headers));
    const listed = list.items.find((k) => k.id === created.id)!;
    expect(listed).toMatchObject({ status: "active", scopes: ["catalog:read", "listings:read"] });
    expect(JSON.stringify(list)).not.toContain(created.key);
  });

  it("a key authenticates /v1 through x-api-key and reports its rate limit (IETF draft headers)", async () => {
    const k = await createKey(t, t.buyer, ["catalog:read"]);
    const res = await send(t, "GET", "/v1/products", k.headers);
    expect(res.status).toBe(200);
    expect(res.headers.get("ratelimit-policy")).toBe('"api-key";q=50;w=60');
    expect(res.headers.get("ratelimit")).toMatch(/^"api-key";r=49;t=\d+$/);
  });

  it("a key over its own limit gets 429 with Retry-After, RateLimit headers and the common body", async () => {
    const k = await createKey(t, t.buyer, ["catalog:read"], { rateLimitMax: 3 });
    for (let i = 0; i < 3; i++) expect((await send(t, "GET", "/v1/categories", k.headers)).status).toBe(200);
    const res = await send(t, "GET", "/v1/categories", k.headers);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("ratelimit-policy")).toBe('"api-key";q=3;w=60');
    expect(res.headers.get("ratelimit")).toMatch(/^"api-key";r=0;t=\d+$/);
    expect(await errorCode(res)).toBe("rate_limited");
    // Another key of the same owner is unaffected: limits are per key.
    const other = await createKey(t, t.buyer, ["catalog:read"]);
    expect((await send(t, "GET", "/v1/categories", other.headers)).status).toBe(200);
  });

  it("rotation: a new key with the same scopes works, the old one is refused", async () => {
    const old = await createKey(t, t.buyer, ["catalog:read", "events:write"], { rateLimitMax: 7 });
    const res = await send(t, "POST", `/v1/api-keys/${old.id}/rotate`, t.buyer.headers);
    expect(res.status).toBe(201);
    const fresh = await json<KeyView>(res);
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.scopes).toEqual(["catalog:read", "events:write"]);
    expect(fresh.rateLimit?.max).toBe(7);
    expect((await send(t, "GET", "/v1/products", { "x-api-key": fresh.key! })).status).toBe(200);
    expect((await send(t, "GET", "/v1/products", old.headers)).status).toBe(401);
    const list = await json<{ items: KeyView[] }>(await send(t, "GET", "/v1/api-keys", t.buyer.headers));
    expect(list.items.find((k) => k.id === old.id)?.status).toBe("revoked");
  });

  it("revocation stops a key at once", async () => {
    const k = await createKey(t, t.buyer, ["catalog:read"]);
    expect((await send(t, "GET", "/v1/products", k.headers)).status).toBe(200);
    const res = await send(t, "DELETE", `/v1/api-keys/${k.id}`, t.buyer.headers);
    expect((await json<KeyView>(res)).status).toBe("revoked");
    expect((await send(t, "GET", "/v1/products", k.headers)).status).toBe(401);
  });

  it("catalog browsing is public; a key without catalog:read presenting itself is refused (403)", async () => {
    expect((await send(t, "GET", "/v1/products", {})).status).toBe(200);
    const k = await createKey(t, t.buyer, ["listings:read"]);
    const res = await send(t, "GET", "/v1/products", k.headers);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("insufficient_scope");
  });

  it("better-auth's own /api/auth/api-key/* routes are closed: /v1/api-keys is the one contract", async () => {
    const res = await send(t, "POST", "/api/auth/api-key/create", t.buyer.headers, { name: "x" });
    expect(res.status).toBe(404);
  });
});
