import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listings } from "../../src/db/schema/marketplace";
import { minorDigits, money, parseMoneyInput } from "../../src/web/format";
import { createTestApp, type TestApp } from "../helpers/app";
import { createUser, type TestUser } from "../helpers/auth";
import { seedCatalog } from "../helpers/catalog-seed";

/** Prices carry their currency from the listing to the cart, checkout and pages, formatted per currency. */

const ORIGIN = "http://localhost";
let t: TestApp;
let buyer: TestUser;
let seller: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  await seedCatalog(t.db);
  [buyer, seller] = await Promise.all([createUser(t), createUser(t, "seller")]);
});
afterAll(() => t?.cleanup());

let n = 0;
async function listing(priceMinor: number, currency: string): Promise<string> {
  const id = `cur-${++n}`;
  await t.db.insert(listings).values({
    id,
    sellerId: seller.userId,
    parentAsin: "P-HEAD-1",
    condition: "good",
    priceMinor,
    currency,
    createdAt: 1,
    updatedAt: 1,
  });
  return id;
}

const post = (path: string, fields: Record<string, string>) =>
  t.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, cookie: buyer.cookie },
    body: new URLSearchParams(fields).toString(),
  });

describe("money on the pages", () => {
  it("formats in each currency's own minor unit", () => {
    expect([minorDigits("USD"), minorDigits("JPY"), minorDigits("KWD")]).toEqual([2, 0, 3]);
    expect(money(12999, "USD")).toBe("$129.99");
    expect(money(12999, "EUR")).toBe("€129.99");
    expect(money(12999, "JPY")).toBe("¥12,999");
    expect(money(12999, "KWD").replace(/\s/g, " ")).toBe("KWD 12.999");
  });

  it("reads typed prices into minor units, refusing what the currency cannot hold", () => {
    expect(parseMoneyInput("349.5", "USD")).toBe(34950);
    expect(parseMoneyInput(" 25000 ", "JPY")).toBe(25000);
    expect(parseMoneyInput("1.005", "KWD")).toBe(1005);
    for (const bad of ["0.5", "-1", "1e3", "", "abc", "2000000"]) expect(parseMoneyInput(bad, "JPY"), bad).toBeNull();
    expect(parseMoneyInput("1.001", "USD")).toBeNull();
  });

  it("a cart in two currencies shows a total per currency and checks out one currency at a time", async () => {
    await post("/cart", { listing: await listing(12_345, "EUR") });
    await post("/cart", { listing: await listing(25_000, "JPY") });
    const cart = await (await t.app.request(`${ORIGIN}/cart`, { headers: { cookie: buyer.cookie } })).text();
    expect(cart).toContain("€123.45");
    expect(cart).toContain("¥25,000");
    expect(cart).toContain("Total: €123.45");
    expect(cart).toContain("Total: ¥25,000");
    const res = await post("/checkout", {
      idempotency_key: crypto.randomUUID(),
      name: "A Buyer",
      line1: "1 Main St",
      city: "Springfield",
      postal_code: "12345",
      country: "US",
      card_holder: "A Buyer",
      card_number: "4242 4242 4242 4242",
      card_exp: "12/30",
      card_cvc: "123",
    });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const body = await res.text();
    expect(body).toMatch(
      /Your cart holds items priced in (EUR and JPY|JPY and EUR): one order is paid in one currency\./,
    );
    const page = await (await t.app.request(`${ORIGIN}/checkout`, { headers: { cookie: buyer.cookie } })).text();
    expect(page).toContain("data-mixed-currencies");
    expect(page).toContain("To pay: €123.45");
    expect(page).toContain("To pay: ¥25,000");
  });
});
