import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, newSession } from "../../helpers/auth";
import { createMarket, listDevice, send, type Market } from "./_fixtures";

interface Cart {
  items: { listing: { id: string }; available: boolean; reason: string | null }[];
  totals: { currency: string; amountMinor: number }[];
}

describe("cart: happy paths", () => {
  let t: Market;
  beforeAll(async () => {
    t = await createMarket();
  });
  afterAll(() => t.cleanup());

  it("adds idempotently (201 then 200), lists with totals, removes idempotently", async () => {
    const a = await listDevice(t, t.seller, { price: { amountMinor: 1500, currency: "USD" } });
    const b = await listDevice(t, t.otherSeller, { price: { amountMinor: 2500, currency: "USD" } });
    expect((await send(t, "PUT", `/v1/cart/items/${a.id}`, t.buyer.headers)).status).toBe(201);
    expect((await send(t, "PUT", `/v1/cart/items/${a.id}`, t.buyer.headers)).status).toBe(200);
    const res = await send(t, "PUT", `/v1/cart/items/${b.id}`, t.buyer.headers);
    const cart = await json<Cart>(res);
    expect(cart.items).toHaveLength(2);
    expect(cart.totals).toEqual([{ currency: "USD", amountMinor: 4000 }]);
    expect((await send(t, "DELETE", `/v1/cart/items/${a.id}`, t.buyer.headers)).status).toBe(200);
    const after = await json<Cart>(await send(t, "DELETE", `/v1/cart/items/${a.id}`, t.buyer.headers));
    expect(after.items.map((i) => i.listing.id)).toEqual([b.id]);
    await send(t, "DELETE", `/v1/cart/items/${b.id}`, t.buyer.headers);
    // One cart_add event per listing actually added (the idempotent repeat logs nothing).
    const ev = await t.db.$client.execute({
      sql: "SELECT count(*) AS n FROM events WHERE type = 'cart_add' AND user_id = ?",
      args: [t.buyer.userId],
    });
    expect(Number(ev.rows[0]!.n)).toBe(2);
  });

  it("flags items that can no longer be bought, with the reason", async () => {
    const reserved = await listDevice(t, t.seller);
    const withdrawn = await listDevice(t, t.seller);
    const fine = await listDevice(t, t.seller);
    for (const l of [reserved, withdrawn, fine]) await send(t, "PUT", `/v1/cart/items/${l.id}`, t.buyer.headers);
    await send(t, "PATCH", `/v1/listings/${reserved.id}`, t.seller.headers, { status: "reserved" });
    await send(t, "PATCH", `/v1/listings/${withdrawn.id}`, t.seller.headers, { status: "withdrawn" });
    const cart = await json<Cart>(await send(t, "GET", "/v1/cart", t.buyer.headers));
    const byId = new Map(cart.items.map((i) => [i.listing.id, i]));
    expect(byId.get(reserved.id)).toMatchObject({ available: false, reason: "reserved" });
    expect(byId.get(withdrawn.id)).toMatchObject({ available: false, reason: "withdrawn" });
    expect(byId.get(fine.id)).toMatchObject({ available: true, reason: null });
    for (const l of [reserved, withdrawn, fine]) await send(t, "DELETE", `/v1/cart/items/${l.id}`, t.buyer.headers);
  });

  it("survives sign-out and sign-in (stored per user), and is shared across devices", async () => {
    const l = await listDevice(t, t.seller);
    const device = await newSession(t, t.buyer);
    await send(t, "PUT", `/v1/cart/items/${l.id}`, device.headers);
    expect((await t.app.request("/api/auth/sign-out", { method: "POST", headers: device.headers })).status).toBe(200);
    const again = await newSession(t, t.buyer);
    const cart = await json<Cart>(await send(t, "GET", "/v1/cart", again.headers));
    expect(cart.items.map((i) => i.listing.id)).toContain(l.id);
    // Another buyer's cart is their own.
    const other = await json<Cart>(await send(t, "GET", "/v1/cart", t.otherSeller.headers));
    expect(other.items.map((i) => i.listing.id)).not.toContain(l.id);
  });
});
