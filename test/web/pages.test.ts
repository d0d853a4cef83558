import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStorefront, type Storefront } from "./storefront-fixture";

let s: Storefront;
beforeAll(async () => {
  s = await startStorefront();
}, 120_000);
afterAll(() => s?.close());

const get = (path: string, init?: RequestInit) => fetch(`${s.url}${path}`, { redirect: "manual", ...init });

describe("storefront pages over HTTP (no JavaScript)", () => {
  it("home renders feed cards with reasons and a next-page link over the feed cursor", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    // The feed snapshot belongs to this visitor's anonymous session: the next page must carry its cookie.
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    expect(cookie).toContain("rc_sid=");
    const html = await res.text();
    expect(html).toContain('class="reason"');
    expect(html).toMatch(/href="\/p\/[^"]+\?rec=/);
    const more = html.match(/href="(\/\?cursor=[^"]+)"/);
    expect(more).not.toBeNull();
    const nextUrl = `${more![1].replace(/&amp;/g, "&")}&fragment=1`;
    // Someone else's cursor finds no snapshot of theirs: an empty fragment, never another visitor's feed.
    expect(await (await get(nextUrl)).text()).toBe("");
    const next = await get(nextUrl, { headers: { cookie } });
    expect(next.status).toBe(200);
    const frag = await next.text();
    expect(frag).not.toContain("<html");
    expect(frag).toContain('class="card"');
  });

  it("search, a category page and a product page render", async () => {
    const home = await (await get("/")).text();
    const productPath = home.match(/href="(\/p\/[^"?]+)/)![1];
    const product = await get(productPath);
    expect(product.status).toBe(200);
    const html = await product.text();
    expect(html).toContain("Ratings and reviews");
    expect(html).toContain('class="histogram"');
    const search = await get("/search?q=laptop&sort=rating");
    expect(search.status).toBe(200);
    expect(await search.text()).toContain("Apply filters");
    const cats = await (await get("/categories")).text();
    const catPath = cats.match(/href="(\/c\/[^"]+)"/)![1];
    const cat = await get(catPath);
    expect(cat.status).toBe(200);
  });

  it("bad filters are a 400 page, not a 500; a missing product is a 404 page", async () => {
    expect((await get("/search?min_rating=9")).status).toBe(400);
    expect((await get("/search?q=%21%21")).status).toBe(400);
    expect((await get("/p/NOPE")).status).toBe(404);
  });

  it("signed-in pages send anonymous visitors to sign in and back", async () => {
    const res = await get("/cart");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/signin?next=%2Fcart");
  });

  it("serves the client bundle and stylesheet", async () => {
    const js = await get("/assets/app.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    expect((await get("/assets/app.css")).status).toBe(200);
  });
});
