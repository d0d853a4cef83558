import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountError, ensureAdmin, generatePassword } from "../../src/auth/accounts";
import { passwordProblem } from "../../src/auth/password-policy";
import { ensureDemoAccounts, formatDemoCredentials } from "../../src/demo/demo-accounts.node";
import { createTestApp, type TestApp } from "../helpers/app";
import { json, signIn } from "../helpers/auth";
import { insertProducts, insertReview } from "../helpers/catalog-fixtures";

describe("create-admin (ensureAdmin)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.cleanup());

  it("creates an admin who can sign in and use admin routes; a second run is a no-op", async () => {
    const r1 = await ensureAdmin(t.deps, { email: "Root@Example.test", password: "Admin-Password-1" });
    expect(r1.status).toBe("created");
    const r2 = await ensureAdmin(t.deps, { email: "root@example.test", password: "Admin-Password-1" });
    expect(r2).toEqual({ status: "already_admin", userId: r1.userId });
    const res = await signIn(t, "root@example.test", "Admin-Password-1");
    expect(res.status).toBe(200);
    const token = res.headers.get("set-auth-token")!;
    expect((await t.app.request("/v1/admin/users", { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
  });

  it("refuses weak passwords and will not silently promote an existing user", async () => {
    await expect(ensureAdmin(t.deps, { email: "weak@example.test", password: "password" })).rejects.toMatchObject({
      code: "weak_password",
    });
    await t.app.request("/api/auth/sign-up/email", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "10.9.9.9" },
      body: JSON.stringify({ email: "shopper@example.test", password: "Shopper-Pass-1", name: "s" }),
    });
    await expect(
      ensureAdmin(t.deps, { email: "shopper@example.test", password: "Admin-Password-1" }),
    ).rejects.toBeInstanceOf(AccountError);
    expect(
      (await ensureAdmin(t.deps, { email: "shopper@example.test", password: "Admin-Password-1", promote: true }))
        .status,
    ).toBe("promoted");
  });

  it("generated passwords satisfy the policy and differ every time", () => {
    const a = generatePassword();
    expect(passwordProblem(a)).toBeNull();
    expect(generatePassword()).not.toBe(a);
  });
});

describe("demo accounts", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await insertProducts(
      t.db,
      Array.from({ length: 12 }, (_, i) => ({
        parentAsin: `B0DEMO${String(i).padStart(4, "0")}`,
        title: `Demo device ${i}`,
        price: 100 + i,
        ratingNumber: 100 - i,
      })),
    );
    for (let i = 0; i < 6; i++)
      await insertReview(t.db, {
        userId: "R-ACTIVE",
        parentAsin: `B0DEMO${String(i).padStart(4, "0")}`,
        rating: i % 2 ? 5 : 3,
        timestamp: 1_600_000_000_000 + i,
      });
    await insertReview(t.db, { userId: "R-QUIET", parentAsin: "B0DEMO0001", rating: 5, timestamp: 1_600_000_000_000 });
  });
  afterAll(() => t.cleanup());

  it("creates buyers with histories, sellers with listings, one admin; random passwords that work; only once", async () => {
    const res = await ensureDemoAccounts(t.deps, { buyers: 2, sellers: 2, listingsPerSeller: 3 });
    if (res.status !== "created") throw new Error("expected creation");
    expect(res.accounts.map((a) => a.role)).toEqual(["admin", "seller", "seller", "buyer", "buyer"]);
    expect(new Set(res.accounts.map((a) => a.password)).size).toBe(5);
    expect(formatDemoCredentials(res.accounts)).toContain(res.accounts[0]!.password);

    const seller = res.accounts[1]!;
    const signedIn = await signIn(t, seller.email, seller.password);
    expect(signedIn.status).toBe(200);
    const sellerId = (await json<{ user: { id: string } }>(signedIn)).user.id;
    const listings = await json<{ items: { sellerId: string }[] }>(
      await t.app.request(`/v1/listings?seller=${sellerId}`),
    );
    expect(listings.items).toHaveLength(3);

    const buyer = res.accounts[3]!;
    const b = await signIn(t, buyer.email, buyer.password);
    const headers = { authorization: `Bearer ${b.headers.get("set-auth-token")}` };
    const favs = await json<{ items: unknown[] }>(await t.app.request("/v1/favorites", { headers }));
    expect(favs.items).toHaveLength(3); // R-ACTIVE's three 5-star reviews
    const ev = await t.db.$client.execute("SELECT count(*) AS n FROM events WHERE type = 'view'");
    expect(Number(ev.rows[0]!.n)).toBe(7); // 6 + 1 replayed reviews

    expect(await ensureDemoAccounts(t.deps)).toEqual({ status: "skipped", reason: "users_present" });
  });
});
