import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, json } from "../../helpers/auth";
import { SELLER_TERMS_VERSION } from "../../../src/services/seller/onboarding";
import { createMarket, listDevice, send, type Market } from "./_fixtures";

interface Status {
  role: string;
  canSell: boolean;
  acceptedTermsVersion: string | null;
  currentTermsVersion: string;
}
interface Order {
  id: string;
  status: string;
  items: {
    listingId: string;
    sellerId: string;
    status: string;
    shippedAt: string | null;
    completedAt: string | null;
  }[];
  total: { amountMinor: number };
}

const auditRows = (t: Market, targetId: string) =>
  t.db.$client
    .execute({
      sql: "SELECT action, actor_id, details FROM audit_log WHERE target_id = ? ORDER BY at, id",
      args: [targetId],
    })
    .then((r) => r.rows);

describe("seller: start selling (self-serve onboarding)", () => {
  let t: Market;
  beforeAll(async () => {
    t = await createMarket();
  });
  afterAll(() => t.cleanup());

  it("a buyer reads the terms in force, accepts them, becomes a seller and can list; a repeat changes nothing", async () => {
    const u = await createUser(t, "buyer");
    const before = await json<Status>(await send(t, "GET", "/v1/seller/onboarding", u.headers));
    expect(before).toMatchObject({ role: "buyer", canSell: false, acceptedTermsVersion: null });
    expect(before.currentTermsVersion).toBe(SELLER_TERMS_VERSION);
    // Not yet a seller: listing is refused.
    expect(
      (
        await send(t, "POST", "/v1/listings", u.headers, {
          productId: "B0PHONE001",
          condition: "good",
          price: { amountMinor: 100, currency: "USD" },
        })
      ).status,
    ).toBe(403);

    const body = { acceptTerms: true, termsVersion: before.currentTermsVersion };
    const res = await send(t, "POST", "/v1/seller/onboarding", u.headers, body);
    expect(res.status).toBe(201);
    expect(await json<Status>(res)).toMatchObject({
      role: "seller",
      canSell: true,
      acceptedTermsVersion: SELLER_TERMS_VERSION,
    });

    // The role lives in user.role (the one source): the same session can list right away.
    const role = await t.db.$client.execute({ sql: "SELECT role FROM user WHERE id = ?", args: [u.userId] });
    expect(role.rows[0]?.role).toBe("seller");
    await listDevice(t, u);

    const again = await send(t, "POST", "/v1/seller/onboarding", u.headers, body);
    expect(again.status).toBe(200);
    const audit = await auditRows(t, u.userId);
    expect(audit.map((r) => r.action)).toEqual(["seller.onboarded"]);
    expect(audit[0]?.actor_id).toBe(u.userId);
  });

  it("an admin who accepts the terms stays admin", async () => {
    const res = await send(t, "POST", "/v1/seller/onboarding", t.admin.headers, {
      acceptTerms: true,
      termsVersion: SELLER_TERMS_VERSION,
    });
    expect(res.status).toBe(201);
    expect(await json<Status>(res)).toMatchObject({
      role: "admin",
      canSell: true,
      acceptedTermsVersion: SELLER_TERMS_VERSION,
    });
    expect((await auditRows(t, t.admin.userId)).map((r) => r.action)).toEqual(["seller.terms_accepted"]);
  });
});

describe("seller: sales move placed → shipped → completed", () => {
  let t: Market;
  let order: Order;
  beforeAll(async () => {
    t = await createMarket();
    const a = await listDevice(t, t.seller);
    const b = await listDevice(t, t.otherSeller, {
      productId: "B0CAMERA01",
      price: { amountMinor: 10_000, currency: "USD" },
    });
    for (const l of [a, b]) expect((await send(t, "PUT", `/v1/cart/items/${l.id}`, t.buyer.headers)).status).toBe(201);
    const res = await send(t, "POST", "/v1/checkout", t.buyer.headers);
    expect(res.status).toBe(201);
    order = await json<Order>(res);
  });
  afterAll(() => t.cleanup());

  it("each seller lists only their part of the order", async () => {
    const page = await json<{ items: Order[] }>(await send(t, "GET", "/v1/seller/sales", t.seller.headers));
    expect(page.items).toHaveLength(1);
    expect(page.items[0]?.id).toBe(order.id);
    expect(page.items[0]?.items.every((i) => i.sellerId === t.seller.userId)).toBe(true);
    expect(page.items[0]?.status).toBe("placed");
  });

  it("ship then complete; the buyer's order follows the least advanced part; each step audited", async () => {
    const shipped = await send(t, "POST", `/v1/seller/sales/${order.id}/ship`, t.seller.headers);
    expect(shipped.status).toBe(200);
    const part = await json<Order>(shipped);
    expect(part.status).toBe("shipped");
    expect(part.items[0]?.shippedAt).toEqual(expect.any(String));

    // The other seller has not shipped: to the buyer the order is still placed.
    const mid = await json<Order>(await send(t, "GET", `/v1/orders/${order.id}`, t.buyer.headers));
    expect(mid.status).toBe("placed");
    expect(mid.items.map((i) => i.status).sort()).toEqual(["placed", "shipped"]);

    expect((await send(t, "POST", `/v1/seller/sales/${order.id}/ship`, t.otherSeller.headers)).status).toBe(200);
    expect((await json<Order>(await send(t, "GET", `/v1/orders/${order.id}`, t.buyer.headers))).status).toBe("shipped");

    const done = await send(t, "POST", `/v1/seller/sales/${order.id}/complete`, t.seller.headers);
    expect(done.status).toBe(200);
    expect((await json<Order>(done)).items[0]?.completedAt).toEqual(expect.any(String));
    const filtered = await json<{ items: Order[] }>(
      await send(t, "GET", "/v1/seller/sales?status=completed", t.seller.headers),
    );
    expect(filtered.items.map((o) => o.id)).toEqual([order.id]);

    const audit = await auditRows(t, order.id);
    // The test clock is fixed: compare as a multiset.
    expect(audit.map((r) => r.action).sort()).toEqual(["sale.completed", "sale.shipped", "sale.shipped"]);
  });
});
