import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app";
import { seedCatalog } from "../../helpers/catalog-seed";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await seedCatalog(t.db);
});
afterAll(() => t.cleanup());

describe("catalog security", () => {
  it("filter values are bound parameters: SQL in them matches nothing and changes nothing", async () => {
    for (const param of ["category", "brand"]) {
      const res = await t.app.request(`/v1/products?${param}=${encodeURIComponent("x' OR '1'='1")}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(0);
    }
    const res = await t.app.request(`/v1/products/${encodeURIComponent("P-HEAD-1'; DROP TABLE products; --")}`);
    expect(res.status).toBe(404);
    const count = await t.db.$client.execute("SELECT count(*) AS n FROM products");
    expect(Number(count.rows[0].n)).toBe(6);
  });

  it("a caller's request id is cut to a safe length and cannot inject headers", async () => {
    const res = await t.app.request("/healthz", { headers: { "x-request-id": "a".repeat(500) } });
    expect((res.headers.get("x-request-id") ?? "").length).toBeLessThanOrEqual(128);
  });

  it("sends security headers", async () => {
    const res = await t.app.request("/v1/products");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBeTruthy();
  });

  it("errors never leak internals (stack, SQL) to the client", async () => {
    const broken = await createTestApp();
    broken.deps.db.$client.close();
    const res = await broken.app.request("/v1/products");
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toMatchObject({ error: { code: "internal_error", message: "internal server error" } });
    expect(text).not.toMatch(/SELECT|sqlite|stack|at /i);
    broken.cleanup();
  });
});
