import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestModePayments } from "../../src/adapters/payments/test-mode";
import { orderCheckout } from "../../src/db/schema/checkout";
import { listings, orders } from "../../src/db/schema/marketplace";
import { createTestApp, type TestApp } from "../helpers/app";
import { createUser, type TestUser } from "../helpers/auth";
import { seedCatalog } from "../helpers/catalog-seed";

let t: TestApp;
let buyer: TestUser;
let seller: TestUser;
const payments = new TestModePayments(() => Date.UTC(2026, 0, 1));
const ORIGIN = "http://localhost";

beforeAll(async () => {
  t = await createTestApp({ payments });
  await seedCatalog(t.db);
  [buyer, seller] = await Promise.all([createUser(t), createUser(t, "seller")]);
});
afterAll(() => t?.cleanup());

let listingN = 0;
async function listing(priceMinor = 10_000): Promise<string> {
  const id = `web-l-${++listingN}`;
  await t.db.insert(listings).values({
    id,
    sellerId: seller.userId,
    parentAsin: "P-HEAD-1",
    condition: "good",
    priceMinor,
    currency: "USD",
    createdAt: 1,
    updatedAt: 1,
  });
  return id;
}

/** A same-origin form post from a signed-in browser (cookie session). */
const post = (path: string, fields: Record<string, string>, who: TestUser | null = buyer, origin = ORIGIN) =>
  t.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin,
      ...(who ? { cookie: who.cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });

const checkoutFields = (over: Record<string, string> = {}) => ({
  idempotency_key: crypto.randomUUID(),
  name: "A Buyer",
  line1: "1 Main St",
  city: "Springfield",
  postal_code: "12345",
  country: "us",
  card_holder: "A Buyer",
  card_number: "4242 4242 4242 4242",
  card_exp: "12/30",
  card_cvc: "123",
  ...over,
});

describe("storefront forms: checkout", () => {
  it("places a paid order: address and payment reference stored, listing sold, redirect to the order", async () => {
    const l = await listing(12_345);
    expect((await post("/cart", { listing: l })).status).toBe(303);
    const res = await post("/checkout", checkoutFields());
    expect(res.status).toBe(303);
    const orderId = decodeURIComponent(res.headers.get("location")!.match(/^\/orders\/([^?]+)\?placed=1$/)![1]!);
    const stored = await t.db.select().from(orderCheckout).where(eq(orderCheckout.orderId, orderId)).get();
    expect(stored).toMatchObject({
      shipCountry: "US",
      paymentMode: "test",
      paymentLast4: "4242",
      paymentBrand: "Visa",
    });
    expect(payments.statusOf(stored!.paymentId)).toBe("captured");
    const sold = await t.db.select({ status: listings.status }).from(listings).where(eq(listings.id, l)).get();
    expect(sold?.status).toBe("sold");
    const page = await t.app.request(`${ORIGIN}/orders/${orderId}`, { headers: { cookie: buyer.cookie } });
    expect(await page.text()).toContain("Visa ending in 4242");
  });

  it("a double submit (same idempotency key) returns the first order, charging once", async () => {
    await post("/cart", { listing: await listing() });
    const fields = checkoutFields();
    const first = await post("/checkout", fields);
    const second = await post("/checkout", fields);
    expect(second.status).toBe(303);
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
  });

  it("invalid fields re-render the form with 422 and say which; nothing is charged or placed", async () => {
    await post("/cart", { listing: await listing() });
    const before = (await t.db.select().from(orders)).length;
    const res = await post("/checkout", checkoutFields({ country: "USA", card_number: "12", card_exp: "13/30" }));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Country must be a two-letter country code");
    expect(html).toContain("Card number must be 12 to 19 digits");
    expect(html).toContain("Expiry must look like MM/YY");
    // Card details are never echoed back into the page.
    expect(html).toMatch(/name="card_number" type="text" value=""/);
    expect(html).not.toContain('value="4242');
    expect((await t.db.select().from(orders)).length).toBe(before);
  });

  it("a declined card is a 422 with the provider's message and places nothing", async () => {
    const before = (await t.db.select().from(orders)).length;
    const res = await post("/checkout", checkoutFields({ card_number: "4000 0000 0000 0002" }));
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("The card was declined.");
    expect((await t.db.select().from(orders)).length).toBe(before);
  });

  it("a listing sold meanwhile: 409 naming it, the authorization is voided, the cart is kept", async () => {
    const l = await listing();
    await post("/cart", { listing: l });
    await t.db.update(listings).set({ status: "sold" }).where(eq(listings.id, l));
    const res = await post("/checkout", checkoutFields());
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("can no longer be bought");
    await t.db.update(listings).set({ status: "active" }).where(eq(listings.id, l));
  });

  it("refuses cross-site posts (CSRF) and sends anonymous visitors to sign in", async () => {
    expect((await post("/checkout", checkoutFields(), buyer, "https://evil.example")).status).toBe(403);
    const anon = await post("/cart", { listing: "x" }, null);
    expect(anon.status).toBe(303);
    expect(anon.headers.get("location")).toMatch(/^\/signin\?next=/);
  });

  it("another buyer's order is a 404 page", async () => {
    const other = await createUser(t);
    const [o] = await t.db.select({ id: orders.id }).from(orders).limit(1);
    const res = await t.app.request(`${ORIGIN}/orders/${o!.id}`, { headers: { cookie: other.cookie } });
    expect(res.status).toBe(404);
  });
});

describe("storefront forms: accounts", () => {
  it("sign-in sets the session cookie and goes to ?next= (local paths only); wrong password is a 422", async () => {
    const u = await createUser(t);
    const bad = await post("/signin?next=/cart", { email: u.email, password: "wrong-password-1" }, null);
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Wrong email or password.");
    const ok = await post("/signin?next=/cart", { email: u.email, password: u.password }, null);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/cart");
    expect(ok.headers.getSetCookie().some((c) => c.includes("session_token"))).toBe(true);
    const evil = await post("/signin?next=//evil.example/x", { email: u.email, password: u.password }, null);
    expect(evil.headers.get("location")).toBe("/");
  });

  it("password reset: mail through the Mailer port, the link's token sets a new password once", async () => {
    const u = await createUser(t);
    const res = await post("/forgot-password", { email: u.email }, null);
    expect(res.status).toBe(200);
    const mail = t.deps.mailer.outbox?.filter((m) => m.to === u.email && m.kind === "password_reset").at(-1);
    expect(mail).toBeDefined();
    const token = new URL(mail!.text.match(/https?:\/\/\S+/)![0]).searchParams.get("token")!;
    const reset = await post("/reset-password", { token, password: "A-brand-new-password-9" }, null);
    expect(reset.status).toBe(303);
    expect(reset.headers.get("location")).toBe("/signin?reset=1");
    const again = await post("/reset-password", { token, password: "Another-password-99" }, null);
    expect(again.status).toBe(422);
    const signIn = await post("/signin", { email: u.email, password: "A-brand-new-password-9" }, null);
    expect(signIn.status).toBe(303);
    // Same answer for an unknown address (no account enumeration).
    const unknown = await post("/forgot-password", { email: "nobody@example.test" }, null);
    expect(unknown.status).toBe(200);
  });

  it("the account page lists sessions; revoking another one signs it out; someone else's is a 404", async () => {
    const u = await createUser(t);
    const page = await t.app.request(`${ORIGIN}/account`, { headers: { cookie: u.cookie } });
    expect(await page.text()).toContain("This device");
    const stranger = await createUser(t);
    const sessions = await t.deps.db.query.session.findMany({ where: (s, { eq }) => eq(s.userId, stranger.userId) });
    const res = await post("/account/sessions/revoke", { session: sessions[0]!.id }, u);
    expect(res.status).toBe(404);
    const second = await post("/signin", { email: u.email, password: u.password }, null);
    const mine = await t.deps.db.query.session.findMany({ where: (s, { eq }) => eq(s.userId, u.userId) });
    expect(mine.length).toBe(2);
    const other = mine.find((s) => !second.headers.getSetCookie().some((c) => c.includes(s.token)))!;
    const revoke = await post(
      "/account/sessions/revoke",
      { session: other.id },
      {
        ...u,
        cookie: second.headers
          .getSetCookie()
          .map((c) => c.split(";")[0])
          .join("; "),
      },
    );
    expect(revoke.status).toBe(303);
    const left = await t.deps.db.query.session.findMany({ where: (s, { eq }) => eq(s.userId, u.userId) });
    expect(left.map((s) => s.id)).not.toContain(other.id);
  });

  it("the dev outbox exists on the embedded default only", async () => {
    expect((await t.app.request(`${ORIGIN}/dev/outbox`)).status).toBe(200);
    const prod = await createTestApp(
      {},
      { NODE_ENV: "production", BETTER_AUTH_SECRET: "x".repeat(40), BETTER_AUTH_URL: "https://shop.example" },
    );
    try {
      expect((await prod.app.request("https://shop.example/dev/outbox")).status).toBe(404);
    } finally {
      prod.cleanup();
    }
  });
});
