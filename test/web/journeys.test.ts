import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { desc, eq, or } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { products } from "../../src/db/schema/catalog";
import { events, listings } from "../../src/db/schema/marketplace";
import { user } from "../../src/db/schema/auth";
import { launchBrowser } from "../helpers/browser";
import { startStorefront, type Storefront } from "./storefront-fixture";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
/** `npm run screenshots:web` sets this to docs/screenshots; otherwise no files are written. */
const shotsDir = process.env.WEB_SCREENSHOTS_DIR;

let s: Storefront;
let browser: Browser;
beforeAll(async () => {
  [s, browser] = await Promise.all([startStorefront(), launchBrowser()]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core in the page (evaluated through the DevTools protocol: the page's CSP allows no injected script). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document)).violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Checks accessibility and, when asked, saves a screenshot of what the shopper sees. */
async function checkPage(page: Page, name: string, a11y: Record<string, string[]>) {
  a11y[name] = await seriousViolations(page);
  if (shotsDir) {
    mkdirSync(shotsDir, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${shotsDir}/${name}.png`, fullPage: false });
  }
}

describe("buyer journey in Chromium", () => {
  it("browse → search → product → favorite → sign up → cart → checkout → order, each page accessible", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // Fail at the step that hangs, not at the test's own timeout.
    page.setDefaultTimeout(8_000);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const a11y: Record<string, string[]> = {};

    // Browse: the personalised home feed, each card with its reason; scrolling loads the next page.
    await page.goto(`${s.url}/`);
    await expect.poll(() => page.locator("#feed > li.card").count()).toBeGreaterThan(0);
    const firstPage = await page.locator("#feed > li.card").count();
    expect(await page.locator("#feed .reason").count()).toBe(firstPage);
    await checkPage(page, "home", a11y);
    await page.locator("a[data-more]").scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator("#feed > li.card").count(), { timeout: 10_000 }).toBeGreaterThan(firstPage);

    // Search from the header for the most-rated product (demo sellers list those), sorted and filtered.
    const top = await s.t.db
      .select({ id: products.parentAsin, title: products.title })
      .from(products)
      .innerJoin(listings, eq(listings.parentAsin, products.parentAsin))
      .orderBy(desc(products.ratingNumber))
      .limit(1)
      .get();
    expect(top).toBeDefined();
    const query = top!.title.split(/\s+/).slice(0, 3).join(" ");
    await page.fill("#site-search", query);
    await page.press("#site-search", "Enter");
    await page.waitForURL(/\/search\?q=/);
    expect(await page.locator("#results > li.card").count()).toBeGreaterThan(0);
    await checkPage(page, "search", a11y);
    await page.selectOption("#sort", "popularity");
    await page.click("form.row button[type=submit]");
    await page.waitForURL(/sort=popularity/);

    // Product page: images, details, histogram, used offers, recommendations.
    await page.click(`#results a[href="/p/${top!.id}"] >> nth=-1`);
    await page.waitForURL(new RegExp(`/p/${top!.id}`));
    await expect.poll(() => page.locator("table.data tbody tr").count()).toBeGreaterThan(0);
    expect(await page.locator(".histogram .bar").count()).toBe(5);
    expect(await page.locator("#recs-similar, #recs-next").count()).toBeGreaterThan(0);
    await checkPage(page, "product", a11y);

    // Favorite while anonymous: sign in first (create an account), then back to the product.
    await page.click("button:has-text('Save')");
    await page.waitForURL(/\/signin\?next=/);
    await checkPage(page, "signin", a11y);
    await page.click("a:has-text('Create an account')");
    const email = `shopper-${Date.now()}@example.com`;
    await page.fill("#name", "Journey Shopper");
    await page.fill("#email", email);
    await page.fill("#password", "Correct-Horse-42-battery");
    await page.click("button:has-text('Create account')");
    await page.waitForURL(/\/signin\?created=1/);
    await page.fill("#email", email);
    await page.fill("#password", "Correct-Horse-42-battery");
    await page.click("form.stack button:has-text('Sign in')");
    await page.waitForURL(new RegExp(`/p/${top!.id}`));

    // Favorite in place (JavaScript), then add the cheapest offer to the cart.
    await page.click("button:has-text('Save')");
    await expect.poll(() => page.locator("button[aria-pressed=true]").textContent()).toContain("Saved");
    await page.locator("table.data button:has-text('Add to cart')").first().click();
    await page.waitForURL(/added=cart/);
    await page.click("a:has-text('Go to cart')");
    await page.waitForURL(/\/cart$/);
    await checkPage(page, "cart", a11y);

    // Checkout: shipping address and the test-mode payment step; a declined card first.
    await page.click("a:has-text('Proceed to checkout')");
    await page.waitForURL(/\/checkout$/);
    expect(await page.locator(".test-mode").textContent()).toContain("Test mode");
    await page.fill("#f-name", "Journey Shopper");
    await page.fill("#f-line1", "1 Market Street");
    await page.fill("#f-city", "Springfield");
    await page.fill("#f-postal_code", "12345");
    await page.fill("#f-country", "US");
    await page.fill("#f-card_holder", "Journey Shopper");
    await page.fill("#f-card_number", "4000 0000 0000 0002");
    await page.fill("#f-card_exp", "12/39");
    await page.fill("#f-card_cvc", "123");
    await checkPage(page, "checkout", a11y);
    await page.click("button:has-text('Place order and pay')");
    await expect.poll(() => page.locator("p.alert[role=alert]").textContent()).toContain("declined");
    await page.fill("#f-card_number", "4242 4242 4242 4242");
    await page.fill("#f-card_exp", "12/39");
    await page.fill("#f-card_cvc", "123");
    await page.fill("#f-card_holder", "Journey Shopper");
    await page.click("button:has-text('Place order and pay')");
    await page.waitForURL(/\/orders\/[^/?]+\?placed=1/);
    expect(await page.locator("ol.timeline li.now").textContent()).toContain("Placed and paid");
    expect(await page.locator(".checkout-facts").textContent()).toContain("Visa ending in 4242");
    await checkPage(page, "order", a11y);

    // Favorites and account pages.
    await page.goto(`${s.url}/favorites`);
    expect(await page.locator(`a[href="/p/${top!.id}"]`).count()).toBeGreaterThan(0);
    await checkPage(page, "favorites", a11y);
    await page.goto(`${s.url}/account`);
    expect(await page.locator("text=This device").count()).toBe(1);
    await checkPage(page, "account", a11y);

    // A recommendation click from the home feed carries its recommendation id into the event log.
    await page.goto(`${s.url}/`);
    const card = page.locator("#feed > li.card h3 a").first();
    const clickedId = decodeURIComponent((await card.getAttribute("href"))!.split("?")[0].slice(3));
    await card.click();
    await page.waitForURL(/rec=/);

    expect(errors).toEqual([]);
    expect(a11y).toEqual(Object.fromEntries(Object.keys(a11y).map((k) => [k, []])));

    // The pages fed the event pipeline: anonymous browsing, then the signed-in favorite, cart and purchase.
    const buyer = await s.t.db.select({ id: user.id }).from(user).where(eq(user.email, email)).get();
    const logged = await s.t.db
      .select({ type: events.type, item: events.parentAsin, userId: events.userId, context: events.context })
      .from(events)
      .where(or(eq(events.parentAsin, top!.id), eq(events.userId, buyer!.id)));
    const types = new Set(logged.filter((e) => e.item === top!.id).map((e) => e.type));
    for (const t of ["view", "favorite", "cart_add", "purchase"]) expect(types, t).toContain(t);
    const clicks = await s.t.db
      .select({ context: events.context, userId: events.userId })
      .from(events)
      .where(eq(events.parentAsin, clickedId));
    const click = clicks.find((e) => e.context?.recommendationId !== undefined);
    expect(click?.userId).toBe(buyer!.id);
    expect(click?.context).toMatchObject({ from: "home", position: 0 });
    await context.close();
  }, 90_000);
});
