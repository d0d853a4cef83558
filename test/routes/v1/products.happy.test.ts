import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app";
import { seedCatalog, seedProducts } from "../../helpers/catalog-seed";

interface Page {
  items: { id: string; price: number | null; averageRating: number | null; ratingCount: number }[];
  nextCursor: string | null;
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await seedCatalog(t.db);
});
afterAll(() => t.cleanup());

const get = async <T>(path: string) => {
  const res = await t.app.request(path);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
};
const ids = (p: Page) => p.items.map((i) => i.id);

describe("GET /v1/products", () => {
  it("lists every product by popularity by default", async () => {
    const page = await get<Page>("/v1/products");
    expect(ids(page)).toEqual(["P-HEAD-1", "P-CAM-1", "P-HEAD-2", "P-CAM-2", "P-CABLE", "P-NOPRICE"]);
    expect(page.nextCursor).toBeNull();
  });

  it("filters by a category at any depth of the tree", async () => {
    expect(ids(await get<Page>(`/v1/products?category=${encodeURIComponent("Electronics > Headphones")}`))).toEqual([
      "P-HEAD-1",
      "P-HEAD-2",
    ]);
    expect(
      ids(await get<Page>(`/v1/products?category=${encodeURIComponent("Electronics > Camera & Photo > DSLR")}`)),
    ).toEqual(["P-CAM-1"]);
    expect((await get<Page>("/v1/products?category=Electronics")).items).toHaveLength(seedProducts.length);
  });

  it("filters by brand, price range and minimum rating together", async () => {
    const page = await get<Page>("/v1/products?brand=Sony&min_price=200&max_price=600&min_rating=4.65");
    expect(ids(page)).toEqual(["P-HEAD-1"]);
  });

  it("sorts by price both ways, listing only priced products", async () => {
    const asc = await get<Page>("/v1/products?sort=price_asc");
    expect(asc.items.map((i) => i.price)).toEqual([12.99, 179, 248, 479, 548]);
    const desc = await get<Page>("/v1/products?sort=price_desc");
    expect(desc.items.map((i) => i.price)).toEqual([548, 479, 248, 179, 12.99]);
  });

  it("sorts by rating with unrated products last", async () => {
    const page = await get<Page>("/v1/products?sort=rating");
    expect(page.items.map((i) => i.averageRating)).toEqual([4.8, 4.7, 4.6, 4.5, 4.4, null]);
  });

  it("ranks a title match above a description-only match", async () => {
    const page = await get<Page>("/v1/products?q=wireless+headphones");
    expect(ids(page)[0]).toBe("P-HEAD-1");
    expect(ids(page)).toContain("P-CABLE"); // matched through its description only
    expect(ids(page).indexOf("P-CABLE")).toBeGreaterThan(0);
  });

  it("stems words and matches a prefix of the last word", async () => {
    expect(ids(await get<Page>("/v1/products?q=cameras"))).toEqual(expect.arrayContaining(["P-CAM-1", "P-CAM-2"]));
    expect(ids(await get<Page>("/v1/products?q=mirrorl"))).toEqual(["P-CAM-2"]);
  });

  it("combines full-text search with filters", async () => {
    expect(ids(await get<Page>("/v1/products?q=camera&brand=Canon"))).toEqual(["P-CAM-1"]);
  });

  for (const sort of ["popularity", "rating", "price_asc", "price_desc"]) {
    it(`walks every page of sort=${sort} with a cursor, no duplicates, no gaps`, async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page = await get<Page>(`/v1/products?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        seen.push(...ids(page));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      const all = await get<Page>(`/v1/products?sort=${sort}&limit=100`);
      expect(seen).toEqual(ids(all));
      expect(new Set(seen).size).toBe(seen.length);
    });
  }

  // Small pages make the service walk the sort index and probe category membership; large pages make it
  // expand the category's id list. Both plans must give the same answer.
  for (const sort of ["popularity", "rating", "price_asc"]) {
    it(`gives the same category results under either plan (sort=${sort})`, async () => {
      const cat = encodeURIComponent("Electronics");
      const filters = `category=${cat}&sort=${sort}&min_price=10&max_price=500`;
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await get<Page>(`/v1/products?${filters}&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
        seen.push(...ids(page));
        cursor = page.nextCursor;
      } while (cursor && seen.length < 20);
      const all = await get<Page>(`/v1/products?${filters}&limit=100`);
      expect(all.items.length).toBeGreaterThan(1);
      expect(seen).toEqual(ids(all));
    });
  }

  it("answers an unknown category with an empty page", async () => {
    const page = await get<Page>("/v1/products?category=Nope");
    expect(page).toEqual({ items: [], nextCursor: null });
  });

  it("paginates search results by relevance", async () => {
    const first = await get<Page>("/v1/products?q=sony&limit=1");
    expect(first.nextCursor).not.toBeNull();
    const second = await get<Page>(`/v1/products?q=sony&limit=10&cursor=${first.nextCursor}`);
    const all = await get<Page>("/v1/products?q=sony&limit=10");
    expect([...ids(first), ...ids(second)]).toEqual(ids(all));
  });
});

describe("GET /v1/products/{id}", () => {
  it("returns the product with rating stats and recent reviews, newest first", async () => {
    const p = await get<{
      id: string;
      features: string[];
      ratingStats: { count: number; average: number; histogram: Record<string, number> };
      recentReviews: { userId: string }[];
    }>("/v1/products/P-HEAD-1");
    expect(p.id).toBe("P-HEAD-1");
    expect(p.features).toEqual(["30 hour battery"]);
    expect(p.ratingStats).toEqual({ count: 3, average: 3.33, histogram: { "1": 1, "2": 0, "3": 0, "4": 1, "5": 1 } });
    expect(p.recentReviews.map((r) => r.userId)).toEqual(["U3", "U2", "U1"]);
  });
});

describe("GET /v1/categories", () => {
  it("returns the tree with counts at every level", async () => {
    const tree = await get<{
      items: {
        path: string;
        productCount: number;
        children: { name: string; productCount: number; children: unknown[] }[];
      }[];
    }>("/v1/categories");
    expect(tree.items).toHaveLength(1);
    const root = tree.items[0];
    expect(root.path).toBe("Electronics");
    expect(root.productCount).toBe(6);
    const headphones = root.children.find((c) => c.name === "Headphones");
    expect(headphones?.productCount).toBe(2);
    expect(headphones?.children).toHaveLength(2);
  });
});

describe("service routes", () => {
  it("/healthz checks the database", async () => {
    expect(await get("/healthz")).toMatchObject({ status: "ok", checks: { database: { ok: true } } });
  });

  it("/openapi.json documents the catalog routes and the error schema", async () => {
    const doc = await get<{ paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }>(
      "/openapi.json",
    );
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/products", "/v1/products/{id}", "/v1/categories", "/healthz"]),
    );
    expect(doc.components.schemas).toHaveProperty("Error404");
  });

  it("/docs serves the reference page", async () => {
    const res = await t.app.request("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("/openapi.json");
  });

  it("puts a request id on every response and echoes the caller's", async () => {
    const res = await t.app.request("/healthz", { headers: { "x-request-id": "trace-abc" } });
    expect(res.headers.get("x-request-id")).toBe("trace-abc");
    const other = await t.app.request("/v1/products");
    expect(other.headers.get("x-request-id")).toMatch(/[0-9a-f-]{36}/);
  });
});
