import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import type { TestApp } from "../helpers/app";
import { createUser, type TestUser } from "../helpers/auth";
import { launchBrowser } from "../helpers/browser";
import { insertProducts } from "../helpers/catalog-fixtures";
import { serveApp } from "../helpers/serve-app";
import { buildWebAssets } from "../../scripts/lib/web-assets";
import { withWebAssets } from "../../src/web/assets.node";
import { contrarianRanker, type SelectionApp, selectionApp } from "../recsys/selection/fixtures";
import { listDevice, PRODUCTS, send } from "../routes/v1/_fixtures";

/**
 * Seller and admin journeys in real Chromium (issue 15, must-have 8): start selling → list with a photo → ship;
 * admin role change → pin a model. Screenshots of each page land in docs/screenshots/.
 */
/** `npm run screenshots:web` sets this to docs/screenshots; otherwise no files are written. */
const SHOTS = process.env.WEB_SCREENSHOTS_DIR;
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
/** A real 24×16 PNG (the browser must decode the uploaded photo, not just receive bytes). */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAABgAAAAQCAIAAACDRijCAAAAGklEQVR4nGPgzvOnCmIYNWjUoFGDRg2iDAEAJqQsEB9J2VAAAAAASUVORK5CYII=",
  "base64",
);

let t: SelectionApp;
let server: { url: string; close: () => Promise<void> };
let browser: Browser;

beforeAll(async () => {
  t = await selectionApp();
  await insertProducts(t.db, PRODUCTS);
  // The selection fixture's app was built before; rebuild over its deps (same database, registry, recsys).
  // Served as the Node server does: /assets/* from public/ (the client bundle built first), the rest to the app.
  await buildWebAssets(join(import.meta.dirname, "../.."));
  server = await serveApp(withWebAssets(createApp(t.deps).fetch));
  browser = await launchBrowser();
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  t?.cleanup();
});

/** A browser context signed in as `u` (the session cookie better-auth set at sign-in). */
async function signedIn(u: TestUser): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const [name, ...rest] = u.cookie.split("=");
  await ctx.addCookies([{ name: name!, value: rest.join("="), url: server.url, httpOnly: true, sameSite: "Lax" }]);
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // Every failed load, by URL (the browser's own favicon probe aside: the storefront has none yet).
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico") && r.request().resourceType() !== "document")
      errors.push(`${r.status()} ${r.url()}`);
  });
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text());
  });
  (page as unknown as { errors: string[] }).errors = errors;
  return { ctx, page };
}
const errorsOf = (p: Page) => (p as unknown as { errors: string[] }).errors;
/** axe-core in the page (evaluated through the DevTools protocol: the page CSP allows no injected script). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document)).violations;
  })) as { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Every page of the journey: no serious or critical axe violation; a screenshot when asked for. */
async function shot(p: Page, name: string) {
  expect(await seriousViolations(p), name).toEqual([]);
  if (SHOTS) await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe("seller journey: start selling → list with a photo → ship", () => {
  it("a buyer becomes a seller, lists a device with a photo, and ships the sale", async () => {
    const seller = await createUser(t as unknown as TestApp, "buyer");
    const buyer = await createUser(t as unknown as TestApp, "buyer");
    const { ctx, page } = await signedIn(seller);

    await page.goto(`${server.url}/sell`);
    await expect(page.locator("h1").textContent()).resolves.toBe("Start selling on Recircuit");
    await shot(page, "seller-start-selling");
    await page.getByLabel("I accept the seller terms").check();
    await page.getByRole("button", { name: "Start selling" }).click();
    await page.waitForURL(/\/sell\/new/);
    await expect(page.locator(".notice").textContent()).resolves.toContain("You are a seller now");

    await page.getByLabel("Product", { exact: true }).fill("Pixel");
    await page.getByRole("button", { name: "Find" }).click();
    await page.getByRole("link", { name: "Pixel Phone 7" }).click();
    await expect(page.getByLabel("Catalog product id").inputValue()).resolves.toBe("B0PHONE001");
    await page.getByLabel("Condition").selectOption("like_new");
    await page.getByLabel("Price", { exact: true }).fill("349.50");
    await page.getByLabel("Currency").selectOption("EUR");
    await page.getByLabel("Description").fill("Battery at 92%, no scratches, original box.");
    await page.getByLabel(/^Photo/).setInputFiles({ name: "phone.png", mimeType: "image/png", buffer: PNG });
    await shot(page, "seller-new-listing");
    await page.getByRole("button", { name: "Publish listing" }).click();
    await page.waitForURL(/\/sell\/listings\/[^/?]+/);
    await expect(page.locator(".notice").textContent()).resolves.toContain("Your listing is live");
    await expect(page.locator("main p strong").first().textContent()).resolves.toBe("€349.50");
    const img = page.locator("main img").first();
    await img.waitFor();
    // The uploaded photo was stored, served back and decoded by the browser.
    expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(24);
    await shot(page, "seller-listing");
    const listingId = page.url().split("/sell/listings/")[1]!.split("?")[0]!;

    await page.goto(`${server.url}/sell/listings`);
    await expect(page.locator("table.data tbody tr").count()).resolves.toBe(1);
    await shot(page, "seller-my-listings");

    // The buyer buys it (through the API; the shopper pages are the web engineer's journey).
    expect((await send(t, "PUT", `/v1/cart/items/${listingId}`, buyer.headers)).status).toBe(201);
    expect((await send(t, "POST", "/v1/checkout", buyer.headers)).status).toBe(201);

    await page.goto(`${server.url}/sell/sales`);
    await expect(page.locator("[data-sale-status]").textContent()).resolves.toBe("placed");
    await page.getByRole("button", { name: "Mark shipped" }).click();
    await page.waitForURL(/\/sell\/sales\?ok=/);
    await expect(page.locator("[data-sale-status]").textContent()).resolves.toBe("shipped");
    await shot(page, "seller-sales");
    await page.getByRole("button", { name: "Mark completed" }).click();
    await expect(page.locator("[data-sale-status]").textContent()).resolves.toBe("completed");

    const order = await send(t, "GET", "/v1/orders", buyer.headers);
    expect(((await order.json()) as { items: { status: string }[] }).items[0]?.status).toBe("completed");
    expect(errorsOf(page)).toEqual([]);
    await ctx.close();
  }, 90_000);
});

describe("seller journey: a refused photo, with and without JavaScript", () => {
  /** A file over PHOTO_MAX_BYTES (5 MB by default) that starts like a PNG. */
  const oversized = () => {
    const b = Buffer.alloc(t.deps.config.PHOTO_MAX_BYTES + 512 * 1024, 7);
    PNG.copy(b, 0, 0, 8);
    return { name: "holiday.png", mimeType: "image/png", buffer: b };
  };

  async function fillListing(page: Page) {
    await page.goto(`${server.url}/sell/new?product=B0PHONE001`);
    await page.getByLabel("Condition").selectOption("fair");
    await page.getByLabel("Price", { exact: true }).fill("120");
    await page.getByLabel("Currency").selectOption("GBP");
    await page.getByLabel("Description").fill("Screen has a hairline scratch.");
  }

  it("without JavaScript: the page comes back (413) with the error beside the photo and the fields kept", async () => {
    const seller = await createUser(t as unknown as TestApp, "seller");
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const [name, ...rest] = seller.cookie.split("=");
    await ctx.addCookies([{ name: name!, value: rest.join("="), url: server.url, httpOnly: true, sameSite: "Lax" }]);
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    await fillListing(page);
    await page.getByLabel(/^Photo/).setInputFiles(oversized());
    const [res] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole("button", { name: "Publish listing" }).click(),
    ]);
    expect(res?.status()).toBe(413);
    expect(res?.headers()["content-type"]).toMatch(/^text\/html/);
    const photo = page.getByLabel(/^Photo/);
    await expect(photo.getAttribute("aria-invalid")).resolves.toBe("true");
    // The error is announced with the field (aria-describedby) and shown right under it.
    await expect(page.locator("#photo-error").textContent()).resolves.toMatch(/^That photo is too large/);
    const [field, error] = await Promise.all([photo.boundingBox(), page.locator("#photo-error").boundingBox()]);
    expect(error!.y - (field!.y + field!.height)).toBeLessThan(24);
    await expect(page.getByLabel("Catalog product id").inputValue()).resolves.toBe("B0PHONE001");
    await expect(page.getByLabel("Condition").inputValue()).resolves.toBe("fair");
    await expect(page.getByLabel("Price", { exact: true }).inputValue()).resolves.toBe("120");
    await expect(page.getByLabel("Currency").inputValue()).resolves.toBe("GBP");
    await expect(page.getByLabel("Description").inputValue()).resolves.toBe("Screen has a hairline scratch.");
    // axe needs scripts; it checks the same HTML in a page that runs them (same origin: same stylesheet).
    const html = await page.content();
    const checker = await signedIn(seller);
    await checker.page.goto(`${server.url}/sell`);
    await checker.page.setContent(html);
    expect(await seriousViolations(checker.page)).toEqual([]);
    await checker.ctx.close();
    if (SHOTS) await page.screenshot({ path: join(SHOTS, "seller-photo-too-large.png"), fullPage: true });
    // A text file named .png: 415, same page, same kept fields; nothing was listed either time.
    await page.getByLabel(/^Photo/).setInputFiles({ name: "a.png", mimeType: "image/png", buffer: Buffer.from("hi") });
    const [again] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole("button", { name: "Publish listing" }).click(),
    ]);
    expect(again?.status()).toBe(415);
    await expect(page.locator("#photo-error").textContent()).resolves.toContain("not a JPEG, PNG or WebP image");
    await expect(page.getByLabel("Price", { exact: true }).inputValue()).resolves.toBe("120");
    const listed = await t.db.$client.execute({
      sql: "SELECT count(*) AS n FROM listings WHERE seller_id = ?",
      args: [seller.userId],
    });
    expect(Number(listed.rows[0]?.n)).toBe(0);
    await ctx.close();
  }, 90_000);

  it("with JavaScript: the browser refuses the file before sending it, saying why", async () => {
    const seller = await createUser(t as unknown as TestApp, "seller");
    const { ctx, page } = await signedIn(seller);
    await fillListing(page);
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(r.url());
    });
    await page.getByLabel(/^Photo/).setInputFiles(oversized());
    await page.getByRole("button", { name: "Publish listing" }).click();
    await expect
      .poll(() => page.getByLabel(/^Photo/).evaluate((el: HTMLInputElement) => el.validationMessage))
      .toMatch(/^That photo is too large: a photo may be at most 5 MB/);
    expect(posts).toEqual([]);
    // A good photo clears the message and the listing goes through.
    await page.getByLabel(/^Photo/).setInputFiles({ name: "phone.png", mimeType: "image/png", buffer: PNG });
    await page.getByRole("button", { name: "Publish listing" }).click();
    await page.waitForURL(/\/sell\/listings\/[^/?]+\?ok=/);
    await expect(page.locator("main p strong").first().textContent()).resolves.toBe("£120.00");
    expect(errorsOf(page)).toEqual([]);
    await ctx.close();
  }, 60_000);
});

describe("admin journey: role change → pin a model", () => {
  it("an admin makes a buyer a seller, moderates a listing, and pins a model version", async () => {
    const admin = await createUser(t as unknown as TestApp, "admin");
    const someone = await createUser(t as unknown as TestApp, "buyer");
    // Two evaluated versions (offline quality metrics, registered a second apart), then an experiment.
    await t.registry.register("ranker", contrarianRanker(), { "ndcg@10": 0.081, "hr@10": 0.142 });
    await t.registry.register("ranker", contrarianRanker(), { "ndcg@10": 0.094, "hr@10": 0.161 });
    await t.cycle();
    const { ctx, page } = await signedIn(admin);

    await page.goto(`${server.url}/admin/users?q=${encodeURIComponent(someone.email)}`);
    const row = page.locator(`tr[data-user="${someone.email}"]`);
    await row.getByLabel(`Role of ${someone.email}`).selectOption("seller");
    await row.getByRole("button", { name: "Change role" }).click();
    await page.waitForURL(/\/admin\/users\?ok=/);
    await expect(page.locator(".notice").textContent()).resolves.toBe(`${someone.email} is now seller.`);
    const role = await t.db.$client.execute({ sql: "SELECT role FROM user WHERE id = ?", args: [someone.userId] });
    expect(role.rows[0]?.role).toBe("seller");
    await page.goto(`${server.url}/admin/users`);
    await shot(page, "admin-users");

    const sellerUser = await createUser(t as unknown as TestApp, "seller");
    const doubtful = await listDevice(t, sellerUser, {
      productId: "B0CAMERA01",
      description: "Brand new, sealed, 90% off",
    });
    await page.goto(`${server.url}/admin/listings?status=active&q=${encodeURIComponent(doubtful.id)}`);
    await expect(page.locator("table.data tbody tr").count()).resolves.toBe(1);
    await page.getByLabel("Reason").first().fill("Price and description look like a scam");
    await page.getByRole("button", { name: "Hide" }).first().click();
    await page.waitForURL(/\/admin\/listings\?ok=/);
    await expect(page.locator(".notice").textContent()).resolves.toContain("is now hidden");
    const hidden = await t.db.$client.execute({ sql: "SELECT status FROM listings WHERE id = ?", args: [doubtful.id] });
    expect(hidden.rows[0]?.status).toBe("hidden");
    await shot(page, "admin-listings");

    await page.goto(`${server.url}/admin/models`);
    const ranker = page.locator('article[data-model="ranker"]');
    await expect(ranker.locator("svg[role=img]").count()).resolves.toBeGreaterThanOrEqual(2);
    expect(await seriousViolations(page), "admin-models").toEqual([]);
    const versions = await t.registry.versions("ranker");
    const target = versions[versions.length - 1]!.version;
    await ranker.getByLabel("Version", { exact: true }).selectOption(target);
    await ranker.getByLabel("Reason", { exact: true }).fill("hold the baseline during the sale");
    await ranker.getByRole("button", { name: "Pin" }).click();
    await page.waitForURL(/\/admin\/models\?ok=/);
    await expect(page.locator(".notice").textContent()).resolves.toBe(`ranker pinned to ${target}.`);
    await expect(page.locator('article[data-model="ranker"] [data-live]').textContent()).resolves.toBe(target);
    expect(await t.registry.liveVersion("ranker")).toBe(target);
    const log = page.getByRole("region", { name: "Decision log" });
    await expect(log.locator("tbody tr").first().textContent()).resolves.toContain("pinned");
    expect(errorsOf(page)).toEqual([]);
    await ctx.close();
  }, 90_000);

  it("a seller is refused the admin pages (403) and a buyer is sent to start selling", async () => {
    const seller = await createUser(t as unknown as TestApp, "seller");
    const { ctx, page } = await signedIn(seller);
    const res = await page.goto(`${server.url}/admin/users`);
    expect(res?.status()).toBe(403);
    await ctx.close();
    const buyer = await createUser(t as unknown as TestApp, "buyer");
    const b = await signedIn(buyer);
    await b.page.goto(`${server.url}/sell/sales`);
    expect(new URL(b.page.url()).pathname).toBe("/sell");
    await b.ctx.close();
  }, 60_000);
});
