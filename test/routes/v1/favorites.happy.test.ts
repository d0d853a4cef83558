import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "../../helpers/auth";
import { createMarket, listDevice, send, type Market } from "./_fixtures";

interface Favs {
  items: {
    type: string;
    id: string;
    productId: string;
    listing: { id: string } | null;
    product: { title: string } | null;
  }[];
  nextCursor: string | null;
}

describe("favorites: happy paths", () => {
  let t: Market;
  beforeAll(async () => {
    t = await createMarket();
  });
  afterAll(() => t.cleanup());

  it("favorites products and listings idempotently, lists and pages them, removes idempotently", async () => {
    const l = await listDevice(t, t.seller, { productId: "B0CAMERA01" });
    expect((await send(t, "PUT", "/v1/favorites/product/B0PHONE001", t.buyer.headers)).status).toBe(201);
    expect((await send(t, "PUT", "/v1/favorites/product/B0PHONE001", t.buyer.headers)).status).toBe(200);
    expect((await send(t, "PUT", `/v1/favorites/listing/${l.id}`, t.buyer.headers)).status).toBe(201);

    const all = await json<Favs>(await send(t, "GET", "/v1/favorites", t.buyer.headers));
    expect(all.items).toHaveLength(2);
    const listing = all.items.find((f) => f.type === "listing")!;
    expect(listing).toMatchObject({ id: l.id, productId: "B0CAMERA01" });
    expect(all.items.find((f) => f.type === "product")?.product?.title).toBe("Pixel Phone 7");

    const onlyListings = await json<Favs>(await send(t, "GET", "/v1/favorites?type=listing", t.buyer.headers));
    expect(onlyListings.items.map((f) => f.id)).toEqual([l.id]);
    const first = await json<Favs>(await send(t, "GET", "/v1/favorites?limit=1", t.buyer.headers));
    expect(first.items).toHaveLength(1);
    const second = await json<Favs>(
      await send(t, "GET", `/v1/favorites?limit=1&cursor=${first.nextCursor}`, t.buyer.headers),
    );
    expect(second.items).toHaveLength(1);
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id);

    const ev = await t.db.$client.execute({
      sql: "SELECT parent_asin, listing_id FROM events WHERE type = 'favorite' AND user_id = ? ORDER BY parent_asin",
      args: [t.buyer.userId],
    });
    expect(ev.rows.map((r) => [r.parent_asin, r.listing_id])).toEqual([
      ["B0CAMERA01", l.id],
      ["B0PHONE001", null],
    ]);

    expect((await send(t, "DELETE", "/v1/favorites/product/B0PHONE001", t.buyer.headers)).status).toBe(200);
    expect((await send(t, "DELETE", "/v1/favorites/product/B0PHONE001", t.buyer.headers)).status).toBe(200);
    expect((await json<Favs>(await send(t, "GET", "/v1/favorites", t.buyer.headers))).items).toHaveLength(1);
    // Someone else's favorites are their own.
    expect((await json<Favs>(await send(t, "GET", "/v1/favorites", t.seller.headers))).items).toHaveLength(0);
  });
});
