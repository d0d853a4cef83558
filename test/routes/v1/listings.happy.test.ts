import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "../../helpers/auth";
import { createMarket, listDevice, send, type ListingBody, type Market } from "./_fixtures";

interface Page {
  items: ListingBody[];
  nextCursor: string | null;
}

describe("listings: happy paths", () => {
  let t: Market;
  beforeAll(async () => {
    t = await createMarket();
  });
  afterAll(() => t.cleanup());

  it("a seller lists a device; anyone reads it; the view is logged", async () => {
    const res = await send(t, "POST", "/v1/listings", t.seller.headers, {
      productId: "B0CAMERA01",
      condition: "like_new",
      price: { amountMinor: 45_000, currency: "EUR" },
      description: "Barely used, box included",
      photos: ["https://img.example/a.jpg", "https://img.example/b.jpg"],
    });
    expect(res.status).toBe(201);
    const l = await json<ListingBody & { productTitle: string; photos: string[]; condition: string }>(res);
    expect(l).toMatchObject({
      status: "active",
      sellerId: t.seller.userId,
      productId: "B0CAMERA01",
      productTitle: "Mirrorless Camera X",
      condition: "like_new",
    });
    expect(l.price).toEqual({ amountMinor: 45_000, currency: "EUR" });
    expect(l.photos).toHaveLength(2);

    const got = await send(t, "GET", `/v1/listings/${l.id}`, { "x-session-id": "anon-session-123" });
    expect(got.status).toBe(200);
    const ev = await t.db.$client.execute({
      sql: "SELECT * FROM events WHERE listing_id = ? AND type = 'view'",
      args: [l.id],
    });
    expect(ev.rows).toHaveLength(1);
    expect(ev.rows[0]).toMatchObject({ parent_asin: "B0CAMERA01", anon_id: "anon-session-123", user_id: null });
  });

  it("the state machine: active → reserved → active → reserved → sold", async () => {
    const l = await listDevice(t, t.seller);
    for (const status of ["reserved", "active", "reserved", "sold"]) {
      const res = await send(t, "PATCH", `/v1/listings/${l.id}`, t.seller.headers, { status });
      expect(res.status).toBe(200);
      expect((await json<ListingBody>(res)).status).toBe(status);
    }
  });

  it("edits price, description and photos of an open listing", async () => {
    const l = await listDevice(t, t.seller);
    const res = await send(t, "PATCH", `/v1/listings/${l.id}`, t.seller.headers, {
      price: { amountMinor: 19_900, currency: "USD" },
      description: "Price drop",
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      price: { amountMinor: 19_900, currency: "USD" },
      description: "Price drop",
    });
  });

  it("filters by product, category, condition, price range and seller; pages with a keyset cursor", async () => {
    const m = await createMarket();
    try {
      const made: ListingBody[] = [];
      for (let i = 0; i < 5; i++)
        made.push(
          await listDevice(m, m.seller, {
            price: { amountMinor: 1000 * (i + 1), currency: "USD" },
            condition: i % 2 ? "fair" : "good",
          }),
        );
      made.push(
        await listDevice(m, m.otherSeller, { productId: "B0HEADPH01", price: { amountMinor: 7000, currency: "USD" } }),
      );

      const byProduct = await json<Page>(await send(m, "GET", "/v1/listings?product=B0HEADPH01", {}));
      expect(byProduct.items.map((x) => x.id)).toEqual([made[5]!.id]);
      const byCategory = await json<Page>(
        await send(m, "GET", `/v1/listings?category=${encodeURIComponent("Electronics > Headphones")}`, {}),
      );
      expect(byCategory.items.map((x) => x.id)).toEqual([made[5]!.id]);
      const fair = await json<Page>(await send(m, "GET", "/v1/listings?condition=fair", {}));
      expect(fair.items).toHaveLength(2);
      const range = await json<Page>(
        await send(m, "GET", "/v1/listings?min_price=2000&max_price=4000&sort=price_asc", {}),
      );
      expect(range.items.map((x) => x.price.amountMinor)).toEqual([2000, 3000, 4000]);
      const bySeller = await json<Page>(await send(m, "GET", `/v1/listings?seller=${m.otherSeller.userId}`, {}));
      expect(bySeller.items).toHaveLength(1);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await json<Page>(
          await send(m, "GET", `/v1/listings?sort=price_desc&limit=2${cursor ? `&cursor=${cursor}` : ""}`, {}),
        );
        seen.push(...page.items.map((x) => x.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(6);
      expect(new Set(seen).size).toBe(6);
      expect(seen[0]).toBe(made[5]!.id); // 7000 first
    } finally {
      m.cleanup();
    }
  });

  it("a product's detail shows its active listings (cheapest first), not sold or withdrawn ones", async () => {
    const m = await createMarket();
    try {
      const a = await listDevice(m, m.seller, {
        productId: "B0HEADPH01",
        price: { amountMinor: 9000, currency: "USD" },
      });
      const b = await listDevice(m, m.otherSeller, {
        productId: "B0HEADPH01",
        price: { amountMinor: 5000, currency: "USD" },
      });
      const c = await listDevice(m, m.seller, { productId: "B0HEADPH01" });
      await send(m, "PATCH", `/v1/listings/${c.id}`, m.seller.headers, { status: "withdrawn" });
      const detail = await json<{ activeListings: { id: string }[] }>(
        await send(m, "GET", "/v1/products/B0HEADPH01", {}),
      );
      expect(detail.activeListings.map((x) => x.id)).toEqual([b.id, a.id]);
      // …and the product view itself was logged for the recommender.
      const ev = await m.db.$client.execute(
        "SELECT count(*) AS n FROM events WHERE type = 'view' AND parent_asin = 'B0HEADPH01'",
      );
      expect(Number(ev.rows[0]!.n)).toBe(1);
    } finally {
      m.cleanup();
    }
  });
});
