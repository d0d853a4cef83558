import { eq } from "drizzle-orm";
import type { Clock, IdGenerator } from "../../context";
import type { Database } from "../../db/database";
import { orderCheckout } from "../../db/schema/checkout";
import { ConflictError, UnprocessableError } from "../../domain/errors";
import type { CardInput, Payments } from "../../ports/payments";
import { getCart } from "../cart/cart";
import { checkout } from "./checkout";
import type { OrderView } from "./orders";

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export interface PaidOrder {
  order: OrderView;
  payment: { mode: "test" | "live"; brand: string; last4: string };
  replayed: boolean;
}

/**
 * The storefront's checkout: authorize the cart's total through the Payments port, place the order (one write
 * transaction: src/services/orders/checkout.ts), record where it ships and how it was paid, then capture. If
 * placing fails (a listing sold meanwhile) the authorization is voided, so nobody pays for an order that does
 * not exist. The idempotency key (one per checkout form) makes a double submit return the first order.
 */
export async function payAndPlaceOrder(
  deps: { db: Database; payments: Payments; clock: Clock; newId: IdGenerator },
  input: { buyerId: string; idempotencyKey: string; shipping: ShippingAddress; card: CardInput },
): Promise<PaidOrder> {
  const { db, payments } = deps;
  const cart = await getCart(db, input.buyerId);
  const blocked = cart.items.find((i) => !i.available);
  if (blocked)
    throw new ConflictError(
      "listing_unavailable",
      `“${blocked.listing.productTitle}” can no longer be bought: remove it from your cart`,
      {
        listingId: blocked.listing.id,
      },
    );
  if (cart.totals.length === 0) {
    const prior = await replayedOrder(deps, input);
    if (prior) return prior;
    throw new UnprocessableError("cart_empty", "your cart is empty");
  }
  if (cart.totals.length > 1) throw new UnprocessableError("mixed_currencies", "one order is paid in one currency");
  const total = cart.totals[0]!;

  const auth = await payments.authorize({
    idempotencyKey: input.idempotencyKey,
    buyerId: input.buyerId,
    amountMinor: total.amountMinor,
    currency: total.currency,
    card: input.card,
  });
  if (auth.status === "declined") throw new UnprocessableError("payment_declined", auth.message, { reason: auth.code });

  let placed: { order: OrderView; replayed: boolean };
  try {
    placed = await checkout(db, {
      buyerId: input.buyerId,
      orderId: deps.newId(),
      now: deps.clock(),
      idempotencyKey: input.idempotencyKey,
    });
    if (placed.order.total.amountMinor !== total.amountMinor || placed.order.total.currency !== total.currency)
      throw new ConflictError("cart_changed", "your cart changed while paying: check it and pay again");
  } catch (err) {
    await payments.void(auth.paymentId);
    throw err;
  }
  const s = input.shipping;
  await db
    .insert(orderCheckout)
    .values({
      orderId: placed.order.id,
      shipName: s.name,
      shipLine1: s.line1,
      shipLine2: s.line2 ?? null,
      shipCity: s.city,
      shipPostalCode: s.postalCode,
      shipCountry: s.country,
      paymentMode: payments.mode,
      paymentId: auth.paymentId,
      paymentBrand: auth.brand,
      paymentLast4: auth.last4,
      createdAt: deps.clock(),
    })
    .onConflictDoNothing();
  await payments.capture(auth.paymentId, placed.order.id);
  return {
    order: placed.order,
    payment: { mode: payments.mode, brand: auth.brand, last4: auth.last4 },
    replayed: placed.replayed,
  };
}

/** A double submit finds the cart already emptied: answer with the order the first submit placed. */
async function replayedOrder(
  deps: { db: Database; clock: Clock; newId: IdGenerator },
  input: { buyerId: string; idempotencyKey: string },
): Promise<PaidOrder | null> {
  try {
    const { order, replayed } = await checkout(deps.db, {
      buyerId: input.buyerId,
      orderId: deps.newId(),
      now: deps.clock(),
      idempotencyKey: input.idempotencyKey,
    });
    if (!replayed) return null;
    const paid = await orderPayment(deps.db, order.id);
    return paid ? { order, payment: paid.payment, replayed } : null;
  } catch {
    return null;
  }
}

/** Shipping address and payment reference of an order (null for orders placed through the API). */
export async function orderPayment(
  db: Database,
  orderId: string,
): Promise<{ shipping: ShippingAddress; payment: PaidOrder["payment"] } | null> {
  const r = await db.select().from(orderCheckout).where(eq(orderCheckout.orderId, orderId)).get();
  if (!r) return null;
  return {
    shipping: {
      name: r.shipName,
      line1: r.shipLine1,
      line2: r.shipLine2 ?? undefined,
      city: r.shipCity,
      postalCode: r.shipPostalCode,
      country: r.shipCountry,
    },
    payment: { mode: r.paymentMode, brand: r.paymentBrand, last4: r.paymentLast4 },
  };
}
