import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/database";
import { products } from "../../db/schema/catalog";
import { cartItems, listings, orderItems, orders } from "../../db/schema/marketplace";
import { ConflictError, UnprocessableError } from "../../domain/errors";
import type { Queryable } from "../queryable";
import { getOrder, type OrderView } from "./orders";
import { libsqlErrorOf, withWriteTransaction } from "./write-tx";

export interface CheckoutInput {
  buyerId: string;
  orderId: string;
  now: number;
  /** Client's Idempotency-Key: a retry returns the order the first attempt placed. */
  idempotencyKey?: string;
}

/**
 * Turns the buyer's cart into one order, in one write transaction:
 *  1. read the cart with each listing's current state (inside the transaction: no stale read);
 *  2. refuse if any item is not buyable (409 `listing_unavailable` naming it) or mixes currencies (422);
 *  3. mark each listing sold with `UPDATE … WHERE status = 'active'` and check it changed one row;
 *  4. write the order and its items (price and title snapshot) and empty the bought lines of the cart.
 * Any failure rolls everything back: no half order, and the loser of a race keeps their cart intact.
 * `order_items.listing_id` is UNIQUE, so even a bug here cannot sell a listing twice.
 */
export async function checkout(db: Database, input: CheckoutInput): Promise<{ order: OrderView; replayed: boolean }> {
  const { buyerId, orderId, now, idempotencyKey } = input;
  if (idempotencyKey) {
    const prior = await findByIdempotencyKey(db, buyerId, idempotencyKey);
    if (prior) {
      // A true retry finds the cart the first attempt emptied. Items in the cart now are another purchase: the
      // key would silently answer it with the old order, so it is refused instead.
      const pending = await db
        .select({ id: cartItems.listingId })
        .from(cartItems)
        .where(eq(cartItems.userId, buyerId))
        .limit(1);
      if (pending.length > 0)
        throw new ConflictError(
          "idempotency_key_reused",
          "this Idempotency-Key already placed an order for a different cart; use a new key for a new checkout",
          { orderId: prior },
        );
      return { order: await getOrder(db, prior, buyerId), replayed: true };
    }
  }
  try {
    await withWriteTransaction(db, async (tx) => {
      const cart = await tx
        .select({
          id: listings.id,
          sellerId: listings.sellerId,
          parentAsin: listings.parentAsin,
          condition: listings.condition,
          priceMinor: listings.priceMinor,
          currency: listings.currency,
          status: listings.status,
          title: products.title,
        })
        .from(cartItems)
        .innerJoin(listings, eq(listings.id, cartItems.listingId))
        .leftJoin(products, eq(products.parentAsin, listings.parentAsin))
        .where(eq(cartItems.userId, buyerId))
        .orderBy(listings.id);
      if (cart.length === 0) throw new UnprocessableError("cart_empty", "the cart is empty");
      for (const r of cart) {
        if (r.sellerId === buyerId)
          throw new ConflictError("own_listing", `listing ${r.id} is your own`, { listingId: r.id });
        if (r.status !== "active") throw unavailable(r.id, r.status);
      }
      const currencies = new Set(cart.map((r) => r.currency));
      if (currencies.size > 1) {
        throw new UnprocessableError(
          "mixed_currencies",
          `the cart mixes currencies (${[...currencies].join(", ")}); check out one currency at a time`,
        );
      }
      for (const r of cart) {
        const upd = await tx
          .update(listings)
          .set({ status: "sold", updatedAt: now })
          .where(and(eq(listings.id, r.id), eq(listings.status, "active")));
        if (upd.rowsAffected !== 1) throw unavailable(r.id, "sold");
      }
      const total = cart.reduce((n, r) => n + r.priceMinor, 0);
      await tx.batch([
        tx.insert(orders).values({
          id: orderId,
          buyerId,
          status: "placed",
          totalMinor: total,
          currency: [...currencies][0]!,
          idempotencyKey: idempotencyKey ?? null,
          createdAt: now,
        }),
        tx.insert(orderItems).values(
          cart.map((r) => ({
            orderId,
            listingId: r.id,
            sellerId: r.sellerId,
            parentAsin: r.parentAsin,
            title: r.title ?? "",
            condition: r.condition,
            priceMinor: r.priceMinor,
            currency: r.currency,
          })),
        ),
        tx.delete(cartItems).where(
          and(
            eq(cartItems.userId, buyerId),
            inArray(
              cartItems.listingId,
              cart.map((r) => r.id),
            ),
          ),
        ),
      ]);
    });
  } catch (err) {
    // Two retries with one Idempotency-Key racing each other: the unique index lets one win; return its order.
    const cause = libsqlErrorOf(err) ?? (err as Error);
    if (idempotencyKey && /UNIQUE constraint failed: orders\.buyer_id/i.test(String(cause?.message))) {
      const prior = await findByIdempotencyKey(db, buyerId, idempotencyKey);
      if (prior) return { order: await getOrder(db, prior, buyerId), replayed: true };
    }
    throw err;
  }
  return { order: await getOrder(db, orderId, buyerId), replayed: false };
}

const unavailable = (listingId: string, status: string) =>
  new ConflictError(
    "listing_unavailable",
    `listing ${listingId} is no longer available (${status}); remove it from your cart to check out the rest`,
    { listingId, status },
  );

async function findByIdempotencyKey(db: Queryable, buyerId: string, key: string): Promise<string | null> {
  const prior = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.buyerId, buyerId), eq(orders.idempotencyKey, key)))
    .get();
  return prior?.id ?? null;
}
