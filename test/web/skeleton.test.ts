import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.cleanup());

describe("storefront shell", () => {
  it("serves the home page as HTML inside the layout, with the page CSP", async () => {
    const res = await t.app.request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<form action="/search" method="get">');
    expect(html).toContain('href="/signin"');
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain("unsafe-inline");
  });

  it("keeps the API's JSON 404 and strict policy, and answers unknown pages with an HTML 404", async () => {
    const api = await t.app.request("/v1/nope");
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("not_found");
    expect(api.headers.get("content-security-policy")).toContain("default-src 'none'");
    const page = await t.app.request("/no-such-page");
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("<h1>Not found</h1>");
  });

  it("refuses a cross-site form post (CSRF)", async () => {
    const res = await t.app.request("/signout", {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(res.status).toBe(403);
  });
});
