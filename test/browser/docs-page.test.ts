import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app";
import { launchBrowser } from "../helpers/browser";
import { serveApp } from "../helpers/serve-app";

let t: TestApp;
let server: { url: string; close: () => Promise<void> };
let browser: Browser;

beforeAll(async () => {
  t = await createTestApp();
  server = await serveApp(t.app.fetch);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  t?.cleanup();
});

describe("/docs in a real browser", () => {
  it("renders every documented operation from /openapi.json", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server.url}/docs`);
    await page.waitForSelector("section.op");
    const ops = await page.locator("section.op > code").allTextContents();
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const expected = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map(() => path));
    expect(ops.length).toBe(expected.length);
    expect(ops).toEqual(expect.arrayContaining(["/v1/products", "/v1/products/{id}", "/healthz"]));
    expect(await page.locator("header h1").textContent()).toBe("Recircuit API reference");
    expect(errors).toEqual([]);
    await page.close();
  });
});
