import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { categoryFromFileName } from "../../src/ingest/file-category";
import { ingestFiles } from "../../src/ingest/ingest-service.node.js";
import { listProducts } from "../../src/services/catalog/products";
import { getCategoryTree } from "../../src/services/catalog/categories";
import { ALL_BEAUTY, openTempDb, type TempDb } from "./helpers";

/** Issue 15 #7: ratings from the ingested reviews when the metadata has none; categories from the metadata. */
const root = mkdtempSync(join(tmpdir(), "catalog-truth-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let t: TempDb | null = null;
afterEach(() => {
  t?.close();
  t = null;
});

const meta = (asin: string, over: Record<string, unknown> = {}) =>
  JSON.stringify({
    main_category: "All Electronics",
    title: `Item ${asin}`,
    average_rating: null,
    rating_number: 0,
    features: [],
    description: [],
    price: 10,
    images: [],
    videos: [],
    store: "Brand",
    categories: ["Electronics", "Headphones"],
    details: {},
    parent_asin: asin,
    bought_together: null,
    ...over,
  });

describe("catalog truth after ingest", () => {
  it("fills rating count and average from the reviews where the metadata has none, keeps Amazon's where it counts more", async () => {
    t = await openTempDb();
    const dir = join(root, "fixture");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "meta_Electronics.jsonl"),
      [meta("B000000001"), meta("B000000002", { average_rating: 4.4, rating_number: 1200 }), meta("B000000003")].join(
        "\n",
      ),
    );
    // ratings only (benchmark CSV): 5, 4, 3 for item 1; 1 for item 2; none for item 3
    writeFileSync(
      join(dir, "Electronics.csv"),
      [
        "user_id,parent_asin,rating,timestamp",
        "U1,B000000001,5.0,1600000000000",
        "U2,B000000001,4.0,1600000000001",
        "U3,B000000001,3.0,1600000000002",
        "U1,B000000002,1.0,1600000000003",
      ].join("\n"),
    );
    const r = await ingestFiles(t.db, [join(dir, "Electronics.csv"), join(dir, "meta_Electronics.jsonl")]);
    expect(r.ratings.derivedFromReviews).toBe(1);
    const rows = await t.db.$client.execute(
      "SELECT parent_asin, average_rating, rating_number FROM products ORDER BY parent_asin",
    );
    expect(rows.rows.map((x) => [x.parent_asin, x.average_rating, x.rating_number])).toEqual([
      ["B000000001", 4, 3],
      ["B000000002", 4.4, 1200],
      ["B000000003", null, 0],
    ]);
    const rated = await listProducts(t.db, { minRating: 3.5, sort: "rating", limit: 10 });
    expect(rated.items.map((p) => p.id)).toEqual(["B000000002", "B000000001"]);
    // more reviews later: the derived figures follow
    writeFileSync(join(dir, "more.csv"), "user_id,parent_asin,rating,timestamp\nU9,B000000001,1.0,1600000000009\n");
    const again = await ingestFiles(t.db, [join(dir, "more.csv")]);
    expect(again.ratings.derivedFromReviews).toBe(1);
    const one = await t.db.$client.execute(
      "SELECT average_rating, rating_number FROM products WHERE parent_asin = 'B000000001'",
    );
    expect([one.rows[0].average_rating, one.rows[0].rating_number]).toEqual([3.25, 4]);
  });

  it("real All_Beauty: items meta CSV + 5-core ratings give rated products, rating sorts, and a category", async () => {
    t = await openTempDb();
    await ingestFiles(t.db, [
      join(ALL_BEAUTY, "items_meta.processed.csv"),
      join(ALL_BEAUTY, "5core/rating_only/All_Beauty.csv"),
    ]);
    const unrated = await t.db.$client.execute(
      "SELECT count(*) AS n FROM products p WHERE p.average_rating IS NULL AND EXISTS (SELECT 1 FROM reviews r WHERE r.parent_asin = p.parent_asin)",
    );
    expect(Number(unrated.rows[0].n)).toBe(0);
    const top = await listProducts(t.db, { sort: "rating", minRating: 4, limit: 5 });
    expect(top.items).toHaveLength(5);
    for (const p of top.items) {
      expect(p.averageRating).toBeGreaterThanOrEqual(4);
      expect(p.ratingCount).toBeGreaterThanOrEqual(1);
    }
    const tree = await getCategoryTree(t.db);
    expect(tree.map((n) => [n.name, n.productCount])).toEqual([["All Beauty", 356]]);
  });

  it("names a metadata file's category from its file or folder name, never from arbitrary names", () => {
    expect(categoryFromFileName("/d/meta_All_Beauty.jsonl.gz")).toBe("All Beauty");
    expect(categoryFromFileName("/d/meta_Electronics.jsonl")).toBe("Electronics");
    expect(categoryFromFileName("/x/All_Beauty/items_meta.processed.csv")).toBe("All Beauty");
    expect(categoryFromFileName("/x/tmp-123/items_meta.processed.csv")).toBeNull();
    expect(categoryFromFileName("/x/All_Beauty/All_Beauty.csv")).toBeNull();
  });
});
