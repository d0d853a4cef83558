import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { products } from "../../src/db/schema/catalog";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.db.insert(products).values([
    {
      parentAsin: "B0LAPTOP01",
      title: "Lenovo LE-1234 Laptop, 16GB RAM",
      store: "Lenovo",
      categoryPath: "Electronics > Computers & Accessories > Computers & Tablets > Laptops",
      createdAt: 1,
      updatedAt: 1,
    },
    {
      parentAsin: "B0REALIMG1",
      title: "Real",
      images: [{ large: "https://m.media-amazon.com/x.jpg" }],
      createdAt: 1,
      updatedAt: 1,
    },
  ]);
});
afterAll(() => t.cleanup());

describe("GET /images/demo/{productId}.svg", () => {
  it("draws the product's category silhouette in its brand colour, cacheable", async () => {
    const res = await t.app.request("/images/demo/B0LAPTOP01.svg");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(res.headers.get("cache-control")).toMatch(/max-age=/);
    const svg = await res.text();
    expect(svg).toContain("#e2231a"); // Lenovo red
    expect(svg).toContain(">Lenovo</text>");
  });

  it("answers 404 for an unknown product and 400 for a malformed id, with the error body", async () => {
    const missing = await t.app.request("/images/demo/B0NOTHERE0.svg");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("not_found");
    for (const bad of ["/images/demo/B0LAPTOP01.png", "/images/demo/..%2Fx.svg", "/images/demo/a%20b.svg"]) {
      const res = await t.app.request(bad);
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
    }
  });

  it("is the image of products without one in listings; real image URLs are kept", async () => {
    const res = await t.app.request("/v1/products?limit=10");
    const body = (await res.json()) as { items: { id: string; image: string }[] };
    const byId = new Map(body.items.map((p) => [p.id, p.image]));
    expect(byId.get("B0LAPTOP01")).toBe("/images/demo/B0LAPTOP01.svg");
    expect(byId.get("B0REALIMG1")).toBe("https://m.media-amazon.com/x.jpg");
  });
});
