import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, json, type TestUser } from "../../helpers/auth";
import { createMarket, errorCode, listDevice, send, type Market } from "./_fixtures";

describe("checkout race: many buyers, one listing", () => {
  let t: Market;
  let buyers: TestUser[];
  beforeAll(async () => {
    t = await createMarket();
    buyers = await Promise.all(Array.from({ length: 20 }, () => createUser(t, "buyer")));
  }, 120_000);
  afterAll(() => t.cleanup());

  it("exactly one order; every loser gets 409 listing_unavailable and keeps the cart", async () => {
    const contested = await listDevice(t, t.seller, { price: { amountMinor: 10_000, currency: "USD" } });
    const extra = await listDevice(t, t.otherSeller, { price: { amountMinor: 500, currency: "USD" } });
    for (const b of buyers) {
      expect((await send(t, "PUT", `/v1/cart/items/${contested.id}`, b.headers)).status).toBe(201);
    }
    // One loser has a second, uncontested item: it must stay in the cart too (all or nothing).
    expect((await send(t, "PUT", `/v1/cart/items/${extra.id}`, buyers[0]!.headers)).status).toBe(201);

    const results = await Promise.all(buyers.map((b) => send(t, "POST", "/v1/checkout", b.headers)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(buyers.length - 1);

    const winnerIdx = statuses.indexOf(201);
    for (let i = 0; i < results.length; i++) {
      if (i === winnerIdx) continue;
      const body = await json<{ error: { code: string; message: string; details: { listingId: string } } }>(
        results[i]!,
      );
      expect(body.error.code).toBe("listing_unavailable");
      expect(body.error.details.listingId).toBe(contested.id);
      expect(body.error.message).toContain(contested.id);
    }

    const orders = await t.db.$client.execute("SELECT count(*) AS n FROM orders");
    expect(Number(orders.rows[0]!.n)).toBe(1);
    const items = await t.db.$client.execute({
      sql: "SELECT count(*) AS n FROM order_items WHERE listing_id = ?",
      args: [contested.id],
    });
    expect(Number(items.rows[0]!.n)).toBe(1);

    // Losers' carts are intact, now flagging the sold item.
    for (let i = 0; i < buyers.length; i++) {
      if (i === winnerIdx) continue;
      const cart = await json<{ items: { listing: { id: string }; available: boolean; reason: string | null }[] }>(
        await send(t, "GET", "/v1/cart", buyers[i]!.headers),
      );
      const line = cart.items.find((x) => x.listing.id === contested.id);
      expect(line).toMatchObject({ available: false, reason: "sold" });
      if (i === 0) expect(cart.items.find((x) => x.listing.id === extra.id)?.available).toBe(true);
    }
    // The uncontested listing was not sold by the loser's rolled-back attempt (unless buyer 0 won).
    const extraNow = await json<{ status: string }>(
      await send(t, "GET", `/v1/listings/${extra.id}`, t.otherSeller.headers),
    );
    expect(extraNow.status).toBe(winnerIdx === 0 ? "sold" : "active");
    expect(
      await errorCode(await send(t, "POST", "/v1/checkout", buyers[(winnerIdx + 1) % buyers.length]!.headers)),
    ).toBe("listing_unavailable");
  }, 60_000);
});
