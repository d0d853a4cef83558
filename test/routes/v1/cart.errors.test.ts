import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarket, errorCode, listDevice, send, type Market } from "./_fixtures";

describe("cart: errors", () => {
  let t: Market;
  beforeAll(async () => {
    t = await createMarket();
  });
  afterAll(() => t.cleanup());

  it("one's own listing: 409 own_listing", async () => {
    const l = await listDevice(t, t.seller);
    const res = await send(t, "PUT", `/v1/cart/items/${l.id}`, t.seller.headers);
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe("own_listing");
  });

  it("a reserved listing: 409 listing_unavailable", async () => {
    const l = await listDevice(t, t.seller);
    await send(t, "PATCH", `/v1/listings/${l.id}`, t.seller.headers, { status: "reserved" });
    const res = await send(t, "PUT", `/v1/cart/items/${l.id}`, t.buyer.headers);
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe("listing_unavailable");
  });

  it("unknown or hidden listing: 404", async () => {
    expect((await send(t, "PUT", "/v1/cart/items/nope", t.buyer.headers)).status).toBe(404);
    const l = await listDevice(t, t.seller);
    await send(t, "PATCH", `/v1/listings/${l.id}`, t.seller.headers, { status: "withdrawn" });
    expect((await send(t, "PUT", `/v1/cart/items/${l.id}`, t.buyer.headers)).status).toBe(404);
  });

  it("an over-long id is a 400, not a 500", async () => {
    const res = await send(t, "PUT", `/v1/cart/items/${"x".repeat(500)}`, t.buyer.headers);
    expect(res.status).toBe(400);
  });
});
