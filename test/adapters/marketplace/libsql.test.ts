import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ItemCatalog, type CatalogRow } from "../../../src/recsys/catalog";
import { SqlMarketplace } from "../../../src/adapters/marketplace/libsql";
import { createTestDb, type TestDb } from "../../helpers/app";

const DAY = 86_400_000;
const catalog = (ids: string[]): ItemCatalog =>
  new ItemCatalog(
    ids.map(
      (id, i): CatalogRow => ({
        id,
        title: id,
        categoryPath: "Electronics",
        price: 1,
        rating: 4,
        ratingCount: 1,
        createdAt: (i + 1) * DAY,
        boughtTogether: null,
      }),
    ),
  );

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(() => t.cleanup());

describe("SqlMarketplace.freshProducts without listings (catalog fallback)", () => {
  it("lists the newest catalog products, newest first", async () => {
    const cat = catalog(["A", "B", "C", "D"]);
    const mp = new SqlMarketplace(
      t.db,
      () => cat,
      () => 10 * DAY,
      0,
    );
    expect((await mp.freshProducts(3)).map((f) => f.productId)).toEqual(["D", "C", "B"]);
  });

  it("follows a new catalog version (the fallback is kept per catalog, not forever)", async () => {
    let cat = catalog(["A", "B"]);
    let now = 10 * DAY;
    const mp = new SqlMarketplace(
      t.db,
      () => cat,
      () => (now += 1),
      0,
    );
    expect((await mp.freshProducts(1)).map((f) => f.productId)).toEqual(["B"]);
    cat = catalog(["A", "B", "E"]);
    expect((await mp.freshProducts(1)).map((f) => f.productId)).toEqual(["E"]);
  });

  it("is empty before any catalog is loaded", async () => {
    const mp = new SqlMarketplace(
      t.db,
      () => null,
      () => 0,
      0,
    );
    expect(await mp.freshProducts(5)).toEqual([]);
  });
});
