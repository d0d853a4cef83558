import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, createUser, json } from "../../helpers/auth";
import { SELLER_TERMS_VERSION } from "../../../src/services/seller/onboarding";
import { createMarket, errorCode, listDevice, send, type Market } from "./_fixtures";

describe("seller: errors and security", () => {
  let t: Market;
  let orderId: string;
  beforeAll(async () => {
    t = await createMarket();
    const l = await listDevice(t, t.seller);
    await send(t, "PUT", `/v1/cart/items/${l.id}`, t.buyer.headers);
    orderId = (await json<{ id: string }>(await send(t, "POST", "/v1/checkout", t.buyer.headers))).id;
  });
  afterAll(() => t.cleanup());

  it("an outdated terms version is 422 terms_version_mismatch naming the current one; the role is unchanged", async () => {
    const u = await createUser(t, "buyer");
    const res = await send(t, "POST", "/v1/seller/onboarding", u.headers, {
      acceptTerms: true,
      termsVersion: "2019-01-01",
    });
    expect(res.status).toBe(422);
    const body = await json<{ error: { code: string; details: { currentTermsVersion: string } } }>(res);
    expect(body.error.code).toBe("terms_version_mismatch");
    expect(body.error.details.currentTermsVersion).toBe(SELLER_TERMS_VERSION);
    expect((await json<{ role: string }>(await send(t, "GET", "/v1/seller/onboarding", u.headers))).role).toBe("buyer");
  });

  it("terms must be accepted explicitly (acceptTerms: true), unknown fields refused", async () => {
    const u = await createUser(t, "buyer");
    for (const body of [
      { termsVersion: SELLER_TERMS_VERSION },
      { acceptTerms: false, termsVersion: SELLER_TERMS_VERSION },
      { acceptTerms: true, termsVersion: SELLER_TERMS_VERSION, role: "admin" },
    ]) {
      const res = await send(t, "POST", "/v1/seller/onboarding", u.headers, body);
      expect(res.status).toBe(400);
    }
  });

  it("anonymous is 401; an API key is 403 session_required (a partner cannot make its owner a seller)", async () => {
    expect(
      (await send(t, "POST", "/v1/seller/onboarding", {}, { acceptTerms: true, termsVersion: SELLER_TERMS_VERSION }))
        .status,
    ).toBe(401);
    const key = await createKey(t, t.buyer, ["catalog:read"]);
    const res = await send(t, "POST", "/v1/seller/onboarding", key.headers, {
      acceptTerms: true,
      termsVersion: SELLER_TERMS_VERSION,
    });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("session_required");
  });

  it("complete before ship is 409 invalid_transition with the allowed actions; a second ship too", async () => {
    const early = await send(t, "POST", `/v1/seller/sales/${orderId}/complete`, t.seller.headers);
    expect(early.status).toBe(409);
    const body = await json<{ error: { code: string; details: { from: string; allowed: string[] } } }>(early);
    expect(body.error).toMatchObject({ code: "invalid_transition", details: { from: "placed", allowed: ["ship"] } });
    expect((await send(t, "POST", `/v1/seller/sales/${orderId}/ship`, t.seller.headers)).status).toBe(200);
    const twice = await send(t, "POST", `/v1/seller/sales/${orderId}/ship`, t.seller.headers);
    expect(twice.status).toBe(409);
    expect(await errorCode(twice)).toBe("invalid_transition");
  });

  it("only the seller of the items may act: another seller or an unknown order is 404, a buyer 403", async () => {
    expect((await send(t, "POST", `/v1/seller/sales/${orderId}/ship`, t.otherSeller.headers)).status).toBe(404);
    expect((await send(t, "POST", "/v1/seller/sales/no-such-order/ship", t.seller.headers)).status).toBe(404);
    expect((await send(t, "POST", `/v1/seller/sales/${orderId}/complete`, t.buyer.headers)).status).toBe(403);
    expect((await send(t, "GET", "/v1/seller/sales", t.buyer.headers)).status).toBe(403);
    expect((await send(t, "GET", "/v1/seller/sales?status=lost", t.seller.headers)).status).toBe(400);
  });
});
