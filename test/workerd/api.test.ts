import { SELF, createExecutionContext, env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import api from "../../workers/api";
import { workerdProducts } from "./fixtures";

// Everything here runs inside workerd: SELF is the `api` Worker from wrangler.toml (workers/api.ts),
// talking to the Node-side libSQL server over HTTP with @libsql/client/web.

interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: unknown };
}
interface Page {
  items: {
    id: string;
    title: string;
    brand: string | null;
    price: number | null;
    averageRating: number | null;
    ratingCount: number;
    categoryPath: string | null;
  }[];
  nextCursor: string | null;
}

// Worker handlers are typed for incoming requests (with `cf` properties); a test-built Request has none.
const incoming = (url: string, init?: RequestInit) =>
  new Request(url, init) as Request<unknown, IncomingRequestCfProperties>;

const get = (path: string, init?: RequestInit) => SELF.fetch(`https://api.test${path}`, init);

async function page(query: string): Promise<Page> {
  const res = await get(`/v1/products?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<Page>();
}

describe("api Worker in workerd", () => {
  it("/healthz reports the database reachable", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    const body = await res.json<{ status: string; checks: { database: { ok: boolean } } }>();
    expect(body.status).toBe("ok");
    expect(body.checks.database.ok).toBe(true);
  });

  it("lists every seeded product, most reviewed first", async () => {
    const { items, nextCursor } = await page("limit=100");
    const expected = [...workerdProducts]
      .sort((a, b) => (b.ratingNumber ?? 0) - (a.ratingNumber ?? 0))
      .map((p) => p.parentAsin);
    expect(items.map((i) => i.id)).toEqual(expected);
    expect(nextCursor).toBeNull();
    expect(items.length).toBe(inject("fixtureCount"));
  });

  it("full-text search (FTS5 MATCH + bm25) ranks title hits above description hits", async () => {
    const { items } = await page("q=camera");
    const ids = items.map((i) => i.id);
    // Title, features or description mention "camera" (porter stemming, prefix on the last token).
    expect(new Set(ids)).toEqual(new Set(["W-CAM-1", "W-CAM-2", "W-LENS-1", "W-PH-1"]));
    // A description-only hit (the phone) ranks below every title hit.
    expect(ids.indexOf("W-PH-1")).toBeGreaterThan(ids.indexOf("W-CAM-1"));
    expect(ids.indexOf("W-PH-1")).toBeGreaterThan(ids.indexOf("W-CAM-2"));
  });

  it("search prefix-matches the last token (search as you type)", async () => {
    const { items } = await page("q=headph");
    expect(items.map((i) => i.id).sort()).toEqual(["W-HP-1", "W-HP-2"]);
  });

  it("filters by category, brand, price range and rating", async () => {
    const cat = await page(`category=${encodeURIComponent("Electronics > Camera & Photo")}&limit=100`);
    expect(cat.items.map((i) => i.id).sort()).toEqual(["W-CAM-1", "W-CAM-2", "W-LENS-1", "W-OLD-1"]);

    const brand = await page("brand=Canon");
    expect(brand.items.map((i) => i.id).sort()).toEqual(["W-CAM-1", "W-LENS-1"]);

    const priced = await page("min_price=100&max_price=250&sort=price_asc");
    expect(priced.items.map((i) => i.price)).toEqual([110, 180, 210]);

    const rated = await page("min_rating=4.6&sort=rating");
    expect(rated.items.map((i) => i.id)).toEqual(["W-LENS-1", "W-HP-2", "W-CAM-1"]);

    const combined = await page("q=camera&brand=Canon&max_price=200");
    expect(combined.items.map((i) => i.id)).toEqual(["W-LENS-1"]);
  });

  it("cursor pagination walks every product exactly once, in order", async () => {
    const all = (await page("limit=100&sort=price_desc")).items.map((i) => i.id);
    const walked: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const p: Page = await page(`limit=3&sort=price_desc${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(p.items.length).toBeLessThanOrEqual(3);
      walked.push(...p.items.map((i) => i.id));
      cursor = p.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(walked).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 3));
  });

  it("cursors are signed with Web Crypto in workerd too: another sort's cursor is 400 invalid_cursor", async () => {
    const first = await page("limit=3&sort=price_desc");
    const res = await get(`/v1/products?limit=3&sort=price_asc&cursor=${encodeURIComponent(first.nextCursor ?? "")}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_cursor");
  });

  it("GET /v1/products/{id}: 200 with detail, 404 with the common error body", async () => {
    const ok = await get("/v1/products/W-CAM-1");
    expect(ok.status).toBe(200);
    const detail = await ok.json<{
      id: string;
      title: string;
      brand: string;
      categories: string[];
      features: string[];
      ratingStats: { count: number };
    }>();
    expect(detail).toMatchObject({
      id: "W-CAM-1",
      brand: "Canon",
      categories: ["Electronics", "Camera & Photo"],
      features: ["24 MP sensor"],
    });

    const missing = await get("/v1/products/NOPE-404", { headers: { "x-request-id": "req-workerd-404" } });
    expect(missing.status).toBe(404);
    const body = await missing.json<ErrorBody>();
    expect(body.error.code).toBe("not_found");
    expect(body.error.requestId).toBe("req-workerd-404");
    expect(missing.headers.get("x-request-id")).toBe("req-workerd-404");
  });

  it("GET /v1/categories returns the tree with counts", async () => {
    const res = await get("/v1/categories");
    expect(res.status).toBe(200);
    const { items } = await res.json<{
      items: {
        path: string;
        productCount: number;
        children: { path: string; productCount: number; children: { path: string }[] }[];
      }[];
    }>();
    expect(items.map((n) => n.path)).toEqual(["Electronics"]);
    expect(items[0].productCount).toBe(workerdProducts.length);
    const camera = items[0].children.find((c) => c.path === "Electronics > Camera & Photo");
    expect(camera?.productCount).toBe(4);
    expect(camera?.children.map((c) => c.path)).toEqual(["Electronics > Camera & Photo > Lenses"]);
  });

  it("/openapi.json is an OpenAPI 3.1 document with the catalog paths", async () => {
    const res = await get("/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/healthz", "/v1/products", "/v1/products/{id}", "/v1/categories"]),
    );
  });

  it("a bad query parameter is a 400 invalid_request naming it", async () => {
    const res = await get("/v1/products?limit=0");
    expect(res.status).toBe(400);
    const body = await res.json<ErrorBody>();
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toContain("limit");
    expect(body.error.requestId).toMatch(/.+/);

    const cursor = await get("/v1/products?cursor=not-a-cursor");
    expect(cursor.status).toBe(400);
    expect((await cursor.json<ErrorBody>()).error.code).toBe("invalid_cursor");
  });

  it("an unknown API route is a 404 in the common body; an unknown page is the storefront's HTML 404", async () => {
    const res = await get("/v1/nope");
    expect(res.status).toBe(404);
    expect((await res.json<ErrorBody>()).error.code).toBe("not_found");
    const page = await get("/nope");
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("<h1>Not found</h1>");
  });

  it("serves the storefront's server-rendered pages (hono/jsx) from the same app", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(await res.text()).toContain('<form action="/search" method="get">');
  });

  it("forwards DATABASE_AUTH_TOKEN: a wrong token makes /healthz degraded, not a crash", async () => {
    const res = await api.fetch(
      incoming("https://api.test/healthz"),
      { ...env, DATABASE_AUTH_TOKEN: "wrong-token" },
      createExecutionContext(),
    );
    expect(res.status).toBe(503);
    const body = await res.json<{ status: string; checks: { database: { ok: boolean; error?: string } } }>();
    expect(body.status).toBe("degraded");
    expect(body.checks.database.ok).toBe(false);
  });
});

describe("api Worker with bad bindings", () => {
  const call = (bindings: Record<string, unknown>, headers?: HeadersInit) =>
    api.fetch(incoming("https://api.test/v1/products", { headers }), { ...env, ...bindings }, createExecutionContext());

  it.each([
    ["unset DATABASE_URL", { DATABASE_URL: undefined }, "DATABASE_URL"],
    ["a file: DATABASE_URL (Node only)", { DATABASE_URL: "file:./data/recircuit.db" }, "DATABASE_URL"],
    ["a non-URL DATABASE_URL", { DATABASE_URL: "postgres://db" }, "DATABASE_URL"],
    ["an out-of-range MAX_BODY_BYTES", { MAX_BODY_BYTES: "12" }, "MAX_BODY_BYTES"],
    ["a too-short BETTER_AUTH_SECRET", { BETTER_AUTH_SECRET: "short" }, "BETTER_AUTH_SECRET"],
  ])("%s gives 503 misconfigured naming the variable", async (_label, bindings, variable) => {
    const res = await call(bindings, { "x-request-id": "req-misconf" });
    expect(res.status).toBe(503);
    const body = await res.json<ErrorBody>();
    expect(body.error.code).toBe("misconfigured");
    expect(body.error.message).toContain(variable);
    expect(body.error.requestId).toBe("req-misconf");
    expect(body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ variable })]));
  });

  it("never echoes secret values in the error", async () => {
    const secret = "s3cr3t-but-too-short";
    const res = await call({ BETTER_AUTH_SECRET: secret });
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain(secret);
  });
});
