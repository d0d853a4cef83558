import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "../../helpers/auth";
import { createMarket, errorCode, listDevice, send, type Market } from "./_fixtures";

describe("checkout: errors", () => {
  let t: Market;
  beforeAll(async () => {
    t = await createMarket();
  });
  afterAll(() => t.cleanup());

  it("an empty cart: 422 cart_empty", async () => {
    const res = await send(t, "POST", "/v1/checkout", t.admin.headers);
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe("cart_empty");
  });

  it("an item reserved meanwhile: 409 naming it; nothing sold, the cart intact", async () => {
    const ok = await listDevice(t, t.otherSeller);
    const gone = await listDevice(t, t.seller);
    await send(t, "PUT", `/v1/cart/items/${ok.id}`, t.buyer.headers);
    await send(t, "PUT", `/v1/cart/items/${gone.id}`, t.buyer.headers);
    await send(t, "PATCH", `/v1/listings/${gone.id}`, t.seller.headers, { status: "reserved" });
    const res = await send(t, "POST", "/v1/checkout", t.buyer.headers);
    expect(res.status).toBe(409);
    const body = await json<{ error: { code: string; details: { listingId: string } } }>(res);
    expect(body.error).toMatchObject({ code: "listing_unavailable", details: { listingId: gone.id } });
    expect((await json<{ status: string }>(await send(t, "GET", `/v1/listings/${ok.id}`, {}))).status).toBe("active");
    expect((await json<{ items: unknown[] }>(await send(t, "GET", "/v1/cart", t.buyer.headers))).items).toHaveLength(2);
    const orders = await t.db.$client.execute("SELECT count(*) AS n FROM orders");
    expect(Number(orders.rows[0]!.n)).toBe(0);
    await send(t, "DELETE", `/v1/cart/items/${gone.id}`, t.buyer.headers);
    await send(t, "DELETE", `/v1/cart/items/${ok.id}`, t.buyer.headers);
  });

  it("mixed currencies: 422 mixed_currencies", async () => {
    const usd = await listDevice(t, t.seller, { price: { amountMinor: 100, currency: "USD" } });
    const eur = await listDevice(t, t.seller, { price: { amountMinor: 100, currency: "EUR" } });
    await send(t, "PUT", `/v1/cart/items/${usd.id}`, t.otherSeller.headers);
    await send(t, "PUT", `/v1/cart/items/${eur.id}`, t.otherSeller.headers);
    const res = await send(t, "POST", "/v1/checkout", t.otherSeller.headers);
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe("mixed_currencies");
  });

  it("a malformed Idempotency-Key: 400", async () => {
    const res = await send(t, "POST", "/v1/checkout", { ...t.buyer.headers, "idempotency-key": "short" });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("invalid_request");
  });

  it("unknown order: 404", async () => {
    expect((await send(t, "GET", "/v1/orders/nope", t.buyer.headers)).status).toBe(404);
    expect((await send(t, "GET", "/v1/orders?role=admin", t.buyer.headers)).status).toBe(400);
  });
});
