import type { Database } from "../../db/database";
import { getOrder, type OrderView } from "./orders";
import { withWriteTransaction } from "./write-tx";
import { ConflictError, UnprocessableError } from "../../domain/errors";

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
    if (prior) return { order: await getOrder(db, prior, buyerId), replayed: true };
  }
  try {
    await withWriteTransaction(db, async (tx) => {
      const cart = await tx.execute({
        sql: `SELECT l.id, l.seller_id, l.parent_asin, l.condition, l.price_minor, l.currency, l.status,
                     coalesce(p.title, '') AS title
              FROM cart_items c JOIN listings l ON l.id = c.listing_id LEFT JOIN products p ON p.parent_asin = l.parent_asin
              WHERE c.user_id = ? ORDER BY l.id`,
        args: [buyerId],
      });
      if (cart.rows.length === 0) throw new UnprocessableError("cart_empty", "the cart is empty");
      for (const r of cart.rows) {
        if (r.seller_id === buyerId)
          throw new ConflictError("own_listing", `listing ${String(r.id)} is your own`, { listingId: String(r.id) });
        if (r.status !== "active") throw unavailable(String(r.id), String(r.status));
      }
      const currencies = new Set(cart.rows.map((r) => String(r.currency)));
      if (currencies.size > 1) {
        throw new UnprocessableError(
          "mixed_currencies",
          `the cart mixes currencies (${[...currencies].join(", ")}); check out one currency at a time`,
        );
      }
      for (const r of cart.rows) {
        const upd = await tx.execute({
          sql: "UPDATE listings SET status = 'sold', updated_at = ? WHERE id = ? AND status = 'active'",
          args: [now, String(r.id)],
        });
        if (upd.rowsAffected !== 1) throw unavailable(String(r.id), "sold");
      }
      const total = cart.rows.reduce((n, r) => n + Number(r.price_minor), 0);
      const ids = cart.rows.map((r) => String(r.id));
      await tx.batch([
        {
          sql: "INSERT INTO orders (id, buyer_id, status, total_minor, currency, idempotency_key, created_at) VALUES (?, ?, 'placed', ?, ?, ?, ?)",
          args: [orderId, buyerId, total, [...currencies][0]!, idempotencyKey ?? null, now],
        },
        ...cart.rows.map((r) => ({
          sql: `INSERT INTO order_items (order_id, listing_id, seller_id, parent_asin, title, condition, price_minor, currency)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          args: [
            orderId,
            String(r.id),
            String(r.seller_id),
            String(r.parent_asin),
            String(r.title),
            String(r.condition),
            Number(r.price_minor),
            String(r.currency),
          ],
        })),
        {
          sql: `DELETE FROM cart_items WHERE user_id = ? AND listing_id IN (${ids.map(() => "?").join(",")})`,
          args: [buyerId, ...ids],
        },
      ]);
    });
  } catch (err) {
    // Two retries with one Idempotency-Key racing each other: the unique index lets one win; return its order.
    if (idempotencyKey && /UNIQUE constraint failed: orders\.buyer_id/i.test(String((err as Error).message))) {
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
    {
      listingId,
      status,
    },
  );

async function findByIdempotencyKey(db: Database, buyerId: string, key: string): Promise<string | null> {
  const { rows } = await db.$client.execute({
    sql: "SELECT id FROM orders WHERE buyer_id = ? AND idempotency_key = ?",
    args: [buyerId, key],
  });
  return rows[0] ? String(rows[0].id) : null;
}
