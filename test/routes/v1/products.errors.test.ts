import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app";
import { seedCatalog } from "../../helpers/catalog-seed";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await seedCatalog(t.db);
});
afterAll(() => t.cleanup());

async function expectError(path: string, status: number, code: string, init?: RequestInit) {
  const res = await t.app.request(path, init);
  const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  return body;
}

describe("catalog bad input is a 4xx with the common body", () => {
  it.each([
    ["limit below 1", "/v1/products?limit=0"],
    ["limit above the cap", "/v1/products?limit=101"],
    ["limit not a number", "/v1/products?limit=ten"],
    ["negative price", "/v1/products?min_price=-1"],
    ["min_price above max_price", "/v1/products?min_price=50&max_price=10"],
    ["rating above 5", "/v1/products?min_rating=6"],
    ["unknown sort", "/v1/products?sort=cheapest"],
    ["relevance without q", "/v1/products?sort=relevance"],
    ["q with no word in it", "/v1/products?q=%22%2A%28%29"],
    ["q too long", `/v1/products?q=${"a".repeat(201)}`],
  ])("%s → 400 invalid_request", async (_name, path) => {
    await expectError(path, 400, "invalid_request");
  });

  it.each([
    ["garbage", "not-a-cursor"],
    ["valid base64 of the wrong shape", btoa(JSON.stringify({ hello: 1 }))],
  ])("a %s cursor → 400 invalid_cursor", async (_name, cursor) => {
    await expectError(`/v1/products?cursor=${encodeURIComponent(cursor)}`, 400, "invalid_cursor");
  });

  it("a cursor from another sort order → 400 invalid_cursor", async () => {
    const res = await t.app.request("/v1/products?sort=price_asc&limit=1");
    const { nextCursor } = (await res.json()) as { nextCursor: string };
    await expectError(`/v1/products?sort=rating&cursor=${nextCursor}`, 400, "invalid_cursor");
  });

  it("FTS operators in q are treated as words, never as syntax", async () => {
    for (const q of ['sony"', "NEAR(sony canon)", "title:sony", "sony*", "sony AND OR NOT", "-sony", "^sony"]) {
      const res = await t.app.request(`/v1/products?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
    }
  });

  it("an unknown product → 404 not_found", async () => {
    await expectError("/v1/products/B000NOPE", 404, "not_found");
  });

  it("an unknown route → 404 not_found with the common body", async () => {
    await expectError("/v1/nothing-here", 404, "not_found");
  });

  it("a body over the cap → 413 payload_too_large", async () => {
    await expectError("/v1/products", 413, "payload_too_large", {
      method: "POST",
      body: "x".repeat(t.deps.config.MAX_BODY_BYTES + 1),
      headers: { "content-type": "application/json" },
    });
  });
});
