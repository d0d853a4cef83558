import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "../../helpers/auth";
import { createMarket, listDevice, send, type ListingBody, type Market } from "./_fixtures";

interface Order {
  id: string;
  buyerId: string;
  total: { amountMinor: number; currency: string };
  items: { listingId: string; sellerId: string; title: string; price: { amountMinor: number } }[];
}

describe("checkout and orders: happy paths", () => {
  let t: Market;
  let a: ListingBody;
  let b: ListingBody;
  let order: Order;
  beforeAll(async () => {
    t = await createMarket();
    a = await listDevice(t, t.seller, { price: { amountMinor: 10_000, currency: "USD" } });
    b = await listDevice(t, t.otherSeller, { productId: "B0HEADPH01", price: { amountMinor: 2_500, currency: "USD" } });
    await send(t, "PUT", `/v1/cart/items/${a.id}`, t.buyer.headers);
    await send(t, "PUT", `/v1/cart/items/${b.id}`, t.buyer.headers);
  });
  afterAll(() => t.cleanup());

  it("turns the cart into one order with a price snapshot, marks listings sold, empties the cart", async () => {
    const res = await send(t, "POST", "/v1/checkout", { ...t.buyer.headers, "idempotency-key": "checkout-0001" });
    expect(res.status).toBe(201);
    order = await json<Order>(res);
    expect(order.buyerId).toBe(t.buyer.userId);
    expect(order.total).toEqual({ amountMinor: 12_500, currency: "USD" });
    expect(order.items.map((i) => i.listingId).sort()).toEqual([a.id, b.id].sort());
    expect(order.items.find((i) => i.listingId === b.id)?.title).toBe("Noise Cancelling Headphones");
    for (const l of [a, b])
      expect((await json<ListingBody>(await send(t, "GET", `/v1/listings/${l.id}`, t.admin.headers))).status).toBe(
        "sold",
      );
    expect((await json<{ items: unknown[] }>(await send(t, "GET", "/v1/cart", t.buyer.headers))).items).toHaveLength(0);
    const ev = await t.db.$client.execute({
      sql: "SELECT count(*) AS n FROM events WHERE type = 'purchase' AND user_id = ?",
      args: [t.buyer.userId],
    });
    expect(Number(ev.rows[0]!.n)).toBe(2);
  });

  it("a retry with the same Idempotency-Key returns the same order (200), placing nothing new", async () => {
    const res = await send(t, "POST", "/v1/checkout", { ...t.buyer.headers, "idempotency-key": "checkout-0001" });
    expect(res.status).toBe(200);
    expect((await json<Order>(res)).id).toBe(order.id);
    const n = await t.db.$client.execute("SELECT count(*) AS n FROM orders");
    expect(Number(n.rows[0]!.n)).toBe(1);
  });

  it("the snapshot does not move when the listing changes later", async () => {
    await t.db.$client.execute({ sql: "UPDATE listings SET price_minor = 1 WHERE id = ?", args: [a.id] });
    const again = await json<Order>(await send(t, "GET", `/v1/orders/${order.id}`, t.buyer.headers));
    expect(again.items.find((i) => i.listingId === a.id)?.price.amountMinor).toBe(10_000);
  });

  it("the buyer lists purchases; each seller sees their own part of the order", async () => {
    const mine = await json<{ items: Order[] }>(await send(t, "GET", "/v1/orders", t.buyer.headers));
    expect(mine.items.map((o) => o.id)).toEqual([order.id]);
    const sales = await json<{ items: Order[] }>(await send(t, "GET", "/v1/orders?role=seller", t.seller.headers));
    expect(sales.items).toHaveLength(1);
    expect(sales.items[0]!.items.map((i) => i.listingId)).toEqual([a.id]);
    expect(sales.items[0]!.total.amountMinor).toBe(10_000);
    const asSeller = await json<Order>(await send(t, "GET", `/v1/orders/${order.id}`, t.otherSeller.headers));
    expect(asSeller.items.map((i) => i.listingId)).toEqual([b.id]);
    expect((await json<{ items: Order[] }>(await send(t, "GET", "/v1/orders", t.seller.headers))).items).toHaveLength(
      0,
    );
  });
});
