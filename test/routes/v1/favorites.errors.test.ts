import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarket, errorCode, listDevice, send, type Market } from "./_fixtures";

describe("favorites: errors", () => {
  let t: Market;
  beforeAll(async () => {
    t = await createMarket();
  });
  afterAll(() => t.cleanup());

  it("unknown product or listing: 404", async () => {
    expect((await send(t, "PUT", "/v1/favorites/product/NOPE", t.buyer.headers)).status).toBe(404);
    expect((await send(t, "PUT", "/v1/favorites/listing/nope", t.buyer.headers)).status).toBe(404);
  });

  it("a withdrawn listing of someone else: 404", async () => {
    const l = await listDevice(t, t.seller);
    await send(t, "PATCH", `/v1/listings/${l.id}`, t.seller.headers, { status: "withdrawn" });
    expect((await send(t, "PUT", `/v1/favorites/listing/${l.id}`, t.buyer.headers)).status).toBe(404);
  });

  it("unknown target type or bad cursor: 400", async () => {
    expect(await errorCode(await send(t, "PUT", "/v1/favorites/seller/x", t.buyer.headers))).toBe("invalid_request");
    expect(await errorCode(await send(t, "GET", "/v1/favorites?cursor=%%%", t.buyer.headers))).toMatch(
      /invalid_cursor|invalid_request|bad_request/,
    );
    expect(await errorCode(await send(t, "GET", "/v1/favorites?type=seller", t.buyer.headers))).toBe("invalid_request");
  });
});
