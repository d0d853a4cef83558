import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nativeSqlExecutor, type NativeSqlExecutor } from "../../../src/db/native-executor.node.js";
import { clientExecutor, type SqlExecutor } from "../../../src/db/sql-executor";
import { offerSummaries, productImages } from "../../../src/services/catalog/offers";
import { getProductDetail } from "../../../src/services/catalog/product-detail";
import { createTestDb, type TestDb } from "../../helpers/app";

const NOW = 1_700_000_000_000;
let t: TestDb;
let native: NativeSqlExecutor;

beforeEach(async () => {
  t = await createTestDb();
  native = nativeSqlExecutor(t.url);
  const listing = (
    id: string,
    seller: string,
    product: string,
    condition: string,
    price: number,
    status = "active",
  ) => ({
    sql: `INSERT INTO listings (id, seller_id, parent_asin, condition, price_minor, currency, status, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, 'USD', ?, ?, ?)`,
    args: [id, seller, product, condition, price, status, NOW, NOW],
  });
  await t.db.$client.batch(
    [
      {
        sql: "INSERT INTO user (id, name, email, created_at, updated_at) VALUES ('s1', 'S', 's1@x.test', ?, ?), ('s2', 'S', 's2@x.test', ?, ?)",
        args: [NOW, NOW, NOW, NOW],
      },
      {
        sql: `INSERT INTO products (parent_asin, title, store, price, features, images, details, created_at, updated_at)
              VALUES ('A', 'Device A', 'Acme', 199.5, '["fast"]', '[{"large":"https://img.test/a.jpg","thumb":"https://img.test/a-t.jpg"}]', '{"Color":"Black"}', ?, ?)`,
        args: [NOW, NOW],
      },
      {
        sql: "INSERT INTO products (parent_asin, title, created_at, updated_at) VALUES ('B', 'Device B', ?, ?)",
        args: [NOW, NOW],
      },
      ...[5, 4, 4, 1].map((rating, i) => ({
        sql: "INSERT INTO reviews (user_id, parent_asin, rating, title, timestamp, helpful_vote, verified_purchase) VALUES (?, 'A', ?, ?, ?, 0, 1)",
        args: [`u${i}`, rating, `review ${i}`, NOW - i * 1000],
      })),
      listing("L1", "s1", "A", "good", 9000),
      listing("L2", "s2", "A", "like_new", 12000),
      listing("L3", "s1", "A", "fair", 5000, "sold"),
      listing("L4", "s2", "B", "fair", 3000),
    ],
    "write",
  );
});
afterEach(() => {
  native.close();
  t.cleanup();
});

const executors = (): [string, SqlExecutor][] => [
  ["the app's client", clientExecutor(t.db.$client)],
  ["the native prepared-statement executor", native],
];

describe.each([0, 1])("storefront page reads (%i: client, native)", (which) => {
  const sqlOf = () => executors()[which]![1];

  it("product detail: fields, rating histogram, latest reviews first, active listings cheapest first", async () => {
    const p = await getProductDetail(t.db, "A", 3, 10, sqlOf());
    expect(p).toMatchObject({
      id: "A",
      title: "Device A",
      brand: "Acme",
      price: 199.5,
      image: "https://img.test/a.jpg",
      features: ["fast"],
      details: { Color: "Black" },
      ratingStats: { count: 4, average: 3.5, histogram: { "1": 1, "2": 0, "3": 0, "4": 2, "5": 1 } },
    });
    expect(p!.recentReviews.map((r) => r.title)).toEqual(["review 0", "review 1", "review 2"]);
    expect(p!.recentReviews[0]).toMatchObject({ rating: 5, verifiedPurchase: true, timestamp: NOW });
    // The sold listing is not offered.
    expect(p!.activeListings.map((l) => [l.id, l.price.amountMinor])).toEqual([
      ["L1", 9000],
      ["L2", 12000],
    ]);
    expect(p!.activeListings[0]!.createdAt).toBe(new Date(NOW).toISOString());
  });

  it("product detail: a product without an image gets the drawn one; an unknown product is null", async () => {
    const b = await getProductDetail(t.db, "B", 3, 10, sqlOf());
    expect(b!.image).toBe("/images/demo/B.svg");
    expect(b!.images).toHaveLength(1);
    expect(b!.ratingStats).toEqual({ count: 0, average: null, histogram: { "1": 0, "2": 0, "3": 0, "4": 0, "5": 0 } });
    expect(await getProductDetail(t.db, "nope", 3, 10, sqlOf())).toBeNull();
  });

  it("offer summaries: active listings only, cheapest, optionally in some conditions", async () => {
    const all = await offerSummaries(t.db, ["A", "B", "nope"], [], sqlOf());
    expect(Object.fromEntries(all)).toEqual({
      A: { count: 2, fromMinor: 9000, currency: "USD" },
      B: { count: 1, fromMinor: 3000, currency: "USD" },
    });
    const likeNew = await offerSummaries(t.db, ["A", "B"], ["like_new"], sqlOf());
    expect(Object.fromEntries(likeNew)).toEqual({ A: { count: 1, fromMinor: 12000, currency: "USD" } });
    expect((await offerSummaries(t.db, [], [], sqlOf())).size).toBe(0);
  });

  it("offer summaries are read fresh: a sale or a new price shows on the next read", async () => {
    const sql = sqlOf();
    expect((await offerSummaries(t.db, ["B"], [], sql)).get("B")?.fromMinor).toBe(3000);
    await t.db.$client.execute("UPDATE listings SET price_minor = 2500 WHERE id = 'L4'");
    expect((await offerSummaries(t.db, ["B"], [], sql)).get("B")?.fromMinor).toBe(2500);
    await t.db.$client.execute("UPDATE listings SET status = 'sold' WHERE id = 'L4'");
    expect((await offerSummaries(t.db, ["B"], [], sql)).has("B")).toBe(false);
    const detail = await getProductDetail(t.db, "B", 3, 10, sql);
    expect(detail!.activeListings).toEqual([]);
  });

  it("first images of products", async () => {
    const images = await productImages(t.db, ["A", "B", "A"], sqlOf());
    expect(Object.fromEntries(images)).toEqual({ A: "https://img.test/a.jpg", B: null });
  });
});
