import { describe, expect, it } from "vitest";
import { luhnValid, TEST_CARDS, TestModePayments } from "../../../src/adapters/payments/test-mode";
import type { AuthorizeRequest } from "../../../src/ports/payments";

const now = Date.UTC(2026, 5, 15);
const req = (over: Partial<AuthorizeRequest["card"]> = {}, key: string = crypto.randomUUID()): AuthorizeRequest => ({
  idempotencyKey: key,
  buyerId: "u1",
  amountMinor: 12_999,
  currency: "USD",
  card: { number: TEST_CARDS.approved, expMonth: 12, expYear: 2030, cvc: "123", holder: "A Buyer", ...over },
});

describe("TestModePayments (the Payments port's sandbox adapter)", () => {
  it("says it is test mode, authorizes the approved test card and captures once the order exists", async () => {
    const p = new TestModePayments(() => now);
    expect(p.mode).toBe("test");
    const r = await p.authorize(req());
    expect(r).toMatchObject({ status: "authorized", last4: "4242", brand: "Visa" });
    if (r.status !== "authorized") return;
    await p.capture(r.paymentId, "order-1");
    expect(p.statusOf(r.paymentId)).toBe("captured");
  });

  it("declines the decline and insufficient-funds cards, invalid numbers and expired cards", async () => {
    const p = new TestModePayments(() => now);
    expect(await p.authorize(req({ number: TEST_CARDS.declined }))).toMatchObject({
      status: "declined",
      code: "card_declined",
    });
    expect(await p.authorize(req({ number: TEST_CARDS.insufficientFunds }))).toMatchObject({
      code: "insufficient_funds",
    });
    expect(await p.authorize(req({ number: "4242424242424241" }))).toMatchObject({ code: "invalid_card" });
    expect(await p.authorize(req({ expYear: 2026, expMonth: 5 }))).toMatchObject({ code: "expired_card" });
    expect(await p.authorize(req({ expYear: 2026, expMonth: 6 }))).toMatchObject({ status: "authorized" });
  });

  it("is idempotent by key and voids an authorization that is not captured (a void after capture changes nothing)", async () => {
    const p = new TestModePayments(() => now);
    const a = await p.authorize(req({}, "k1"));
    expect(await p.authorize(req({ number: TEST_CARDS.declined }, "k1"))).toEqual(a);
    if (a.status !== "authorized") throw new Error("expected authorized");
    await p.void(a.paymentId);
    expect(p.statusOf(a.paymentId)).toBe("voided");
    await expect(p.capture(a.paymentId, "o")).rejects.toThrow(/no open authorization/);
    const b = await p.authorize(req());
    if (b.status !== "authorized") throw new Error("expected authorized");
    await p.capture(b.paymentId, "o2");
    await p.void(b.paymentId);
    expect(p.statusOf(b.paymentId)).toBe("captured");
  });

  it("checks card numbers with Luhn", () => {
    expect(luhnValid("4242424242424242")).toBe(true);
    expect(luhnValid("4242424242424243")).toBe(false);
    expect(luhnValid("42")).toBe(false);
    expect(luhnValid("4242x24242424242")).toBe(false);
  });
});
