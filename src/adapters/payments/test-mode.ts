import type { AuthorizeRequest, AuthorizeResult, Payments } from "../../ports/payments";

/**
 * TEST MODE payments: no provider, no money. Behaves like a provider's sandbox so the checkout's paths can be
 * exercised: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 is declined, 4000 0000 0000 9995 has
 * insufficient funds; any other number must pass the Luhn check and is approved. Expired cards are refused.
 * Authorizations live in memory (per process): enough for a sandbox, which is all this adapter claims to be.
 */
export const TEST_CARDS = {
  approved: "4242424242424242",
  declined: "4000000000000002",
  insufficientFunds: "4000000000009995",
} as const;

export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const brandOf = (n: string): string =>
  n.startsWith("4") ? "Visa" : /^5[1-5]/.test(n) ? "Mastercard" : /^3[47]/.test(n) ? "Amex" : "Card";

type Hold = { status: "authorized" | "captured" | "voided"; amountMinor: number; currency: string; orderId?: string };

export class TestModePayments implements Payments {
  readonly mode = "test" as const;
  private readonly holds = new Map<string, Hold>();
  private readonly byKey = new Map<string, AuthorizeResult>();

  constructor(private readonly now: () => number = Date.now) {}

  async authorize(req: AuthorizeRequest): Promise<AuthorizeResult> {
    const prior = this.byKey.get(req.idempotencyKey);
    if (prior) return prior;
    const result = this.decide(req);
    this.byKey.set(req.idempotencyKey, result);
    if (result.status === "authorized")
      this.holds.set(result.paymentId, { status: "authorized", amountMinor: req.amountMinor, currency: req.currency });
    return result;
  }

  private decide(req: AuthorizeRequest): AuthorizeResult {
    const n = req.card.number;
    if (!luhnValid(n)) return { status: "declined", code: "invalid_card", message: "The card number is not valid." };
    const today = new Date(this.now());
    const expired =
      req.card.expYear < today.getUTCFullYear() ||
      (req.card.expYear === today.getUTCFullYear() && req.card.expMonth < today.getUTCMonth() + 1);
    if (expired) return { status: "declined", code: "expired_card", message: "The card has expired." };
    if (n === TEST_CARDS.declined)
      return { status: "declined", code: "card_declined", message: "The card was declined." };
    if (n === TEST_CARDS.insufficientFunds)
      return { status: "declined", code: "insufficient_funds", message: "The card has insufficient funds." };
    return {
      status: "authorized",
      paymentId: `test_pay_${crypto.randomUUID()}`,
      last4: n.slice(-4),
      brand: brandOf(n),
    };
  }

  async capture(paymentId: string, orderId: string): Promise<void> {
    const hold = this.holds.get(paymentId);
    if (!hold || hold.status === "voided") throw new Error(`test payments: no open authorization ${paymentId}`);
    hold.status = "captured";
    hold.orderId = orderId;
  }

  async void(paymentId: string): Promise<void> {
    const hold = this.holds.get(paymentId);
    if (hold && hold.status === "authorized") hold.status = "voided";
  }

  /** For tests: what happened to an authorization. */
  statusOf(paymentId: string): Hold["status"] | null {
    return this.holds.get(paymentId)?.status ?? null;
  }
}
