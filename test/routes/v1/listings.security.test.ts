import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, json } from "../../helpers/auth";
import { runSecurityMatrix } from "../../helpers/security-matrix";
import { createMarket, errorCode, listDevice, send, type Market } from "./_fixtures";

let t: Market;
beforeAll(async () => {
  t = await createMarket();
});
afterAll(() => t.cleanup());

const newListing = { productId: "B0PHONE001", condition: "good", price: { amountMinor: 1000, currency: "USD" } };

runSecurityMatrix("listings (writes)", () => t, [
  {
    name: "POST /v1/listings",
    role: "seller",
    ownerStatus: 201,
    wrongRole: "buyer",
    keyScopes: [],
    request: async () => ({ method: "POST", path: "/v1/listings", body: newListing }),
  },
  {
    name: "PATCH /v1/listings/{id}",
    role: "seller",
    ownerStatus: 200,
    foreign: true,
    wrongRole: "buyer",
    keyScopes: [],
    request: async ({ t, owner }) => {
      const l = await listDevice(t, owner);
      return { method: "PATCH", path: `/v1/listings/${l.id}`, body: { status: "reserved" } };
    },
  },
]);

describe("listings reads: public browsing, keys need listings:read", () => {
  it("anonymous callers can browse and read active listings", async () => {
    const l = await listDevice(t, t.seller);
    expect((await send(t, "GET", "/v1/listings", {})).status).toBe(200);
    expect((await send(t, "GET", `/v1/listings/${l.id}`, {})).status).toBe(200);
  });

  it("a key with listings:read passes; a key without it is refused with 403 even though the route is public", async () => {
    const l = await listDevice(t, t.seller);
    const good = await createKey(t, t.buyer, ["listings:read"]);
    const bad = await createKey(t, t.buyer, ["catalog:read"]);
    expect((await send(t, "GET", `/v1/listings/${l.id}`, good.headers)).status).toBe(200);
    const res = await send(t, "GET", "/v1/listings", bad.headers);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("insufficient_scope");
  });

  it("an unknown API key is a 401, never anonymous access", async () => {
    const res = await send(t, "GET", "/v1/listings", { "x-api-key": "rc_not_a_real_key" });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("invalid_api_key");
  });

  it("withdrawn listings are invisible (404) to everyone but their seller and admins", async () => {
    const l = await listDevice(t, t.seller);
    await send(t, "PATCH", `/v1/listings/${l.id}`, t.seller.headers, { status: "withdrawn" });
    expect((await send(t, "GET", `/v1/listings/${l.id}`, {})).status).toBe(404);
    expect((await send(t, "GET", `/v1/listings/${l.id}`, t.buyer.headers)).status).toBe(404);
    expect((await send(t, "GET", `/v1/listings/${l.id}`, t.otherSeller.headers)).status).toBe(404);
    expect((await send(t, "GET", `/v1/listings/${l.id}`, t.seller.headers)).status).toBe(200);
    expect((await send(t, "GET", `/v1/listings/${l.id}`, t.admin.headers)).status).toBe(200);
  });

  it("status filters beyond active/reserved need seller=me", async () => {
    expect((await send(t, "GET", "/v1/listings?status=withdrawn", t.seller.headers)).status).toBe(403);
    const mine = await send(t, "GET", "/v1/listings?status=withdrawn&seller=me", t.seller.headers);
    expect(mine.status).toBe(200);
    for (const item of (await json<{ items: { sellerId: string }[] }>(mine)).items)
      expect(item.sellerId).toBe(t.seller.userId);
  });

  it("an admin may change any listing", async () => {
    const l = await listDevice(t, t.seller);
    const res = await send(t, "PATCH", `/v1/listings/${l.id}`, t.admin.headers, { status: "withdrawn" });
    expect(res.status).toBe(200);
  });
});
