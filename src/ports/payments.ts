/**
 * Payments port: the checkout's payment step. The storefront authorizes the cart's total before the order is
 * placed and voids the authorization when placing fails (a listing sold meanwhile), so a buyer is never charged
 * for an order that does not exist. Card details pass through to the provider and are never stored or logged.
 * Adapters: src/adapters/payments/test-mode.ts (no money moves; clearly labelled in the app). A real provider
 * (Stripe, Adyen) is one more adapter behind the same three calls.
 */
export interface CardInput {
  /** Digits only (spaces removed by the caller). */
  number: string;
  expMonth: number;
  /** Four digits. */
  expYear: number;
  cvc: string;
  holder: string;
}

export interface AuthorizeRequest {
  /** Ties retries together: the same key returns the same authorization instead of a second hold. */
  idempotencyKey: string;
  buyerId: string;
  amountMinor: number;
  currency: string;
  card: CardInput;
}

export type AuthorizeResult =
  | { status: "authorized"; paymentId: string; last4: string; brand: string }
  | {
      status: "declined";
      /** Machine-readable: card_declined, insufficient_funds, invalid_card, expired_card. */
      code: "card_declined" | "insufficient_funds" | "invalid_card" | "expired_card";
      message: string;
    };

export interface Payments {
  /** "test": no money moves; the app shows a test-mode banner and the test card numbers. */
  readonly mode: "test" | "live";
  authorize(req: AuthorizeRequest): Promise<AuthorizeResult>;
  /** Takes the authorized money once the order exists. */
  capture(paymentId: string, orderId: string): Promise<void>;
  /** Releases an authorization whose order could not be placed. Idempotent. */
  void(paymentId: string): Promise<void>;
}
