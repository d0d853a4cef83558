import type { Row } from "@libsql/client";
import { z } from "zod";
import type { Database } from "../../db/database";
import type { ConditionGrade } from "../../db/schema/marketplace";
import { decodeCursor, encodeCursor } from "../../domain/cursor";
import { notFound } from "../../domain/errors";

export interface OrderItemView {
  listingId: string;
  productId: string;
  sellerId: string;
  title: string;
  condition: ConditionGrade;
  price: { amountMinor: number; currency: string };
}

export interface OrderView {
  id: string;
  buyerId: string;
  status: "placed";
  total: { amountMinor: number; currency: string };
  items: OrderItemView[];
  createdAt: string;
}

const itemView = (r: Row): OrderItemView => ({
  listingId: String(r.listing_id),
  productId: String(r.parent_asin),
  sellerId: String(r.seller_id),
  title: String(r.title),
  condition: String(r.condition) as ConditionGrade,
  price: { amountMinor: Number(r.price_minor), currency: String(r.currency) },
});

async function hydrate(db: Database, orderRows: Row[], sellerId?: string): Promise<OrderView[]> {
  if (orderRows.length === 0) return [];
  const ids = orderRows.map((r) => String(r.id));
  const { rows } = await db.$client.execute({
    sql: `SELECT * FROM order_items WHERE order_id IN (${ids.map(() => "?").join(",")})${sellerId ? " AND seller_id = ?" : ""} ORDER BY listing_id`,
    args: sellerId ? [...ids, sellerId] : ids,
  });
  return orderRows.map((o) => {
    const items = rows.filter((r) => r.order_id === o.id).map(itemView);
    // A seller sees only their part of an order, and the total of that part.
    const total = sellerId ? items.reduce((n, i) => n + i.price.amountMinor, 0) : Number(o.total_minor);
    return {
      id: String(o.id),
      buyerId: String(o.buyer_id),
      status: "placed" as const,
      total: { amountMinor: total, currency: String(o.currency) },
      items,
      createdAt: new Date(Number(o.created_at)).toISOString(),
    };
  });
}

/** An order its buyer or one of its sellers may read; anyone else gets a 404. */
export async function getOrder(db: Database, orderId: string, userId: string, isAdmin = false): Promise<OrderView> {
  const { rows } = await db.$client.execute({ sql: "SELECT * FROM orders WHERE id = ?", args: [orderId] });
  const o = rows[0];
  if (!o) throw notFound("order");
  if (o.buyer_id === userId || isAdmin) return (await hydrate(db, [o]))[0]!;
  const sold = await db.$client.execute({
    sql: "SELECT 1 FROM order_items WHERE order_id = ? AND seller_id = ? LIMIT 1",
    args: [orderId, userId],
  });
  if (sold.rows.length === 0) throw notFound("order");
  return (await hydrate(db, [o], userId))[0]!;
}

const CursorSchema = z.object({ t: z.number(), id: z.string() });

export async function listOrders(
  db: Database,
  userId: string,
  role: "buyer" | "seller",
  limit: number,
  cursor?: string,
): Promise<{ items: OrderView[]; nextCursor: string | null }> {
  const args: (string | number)[] = [userId];
  let keyset = "";
  if (cursor) {
    const c = decodeCursor(cursor, CursorSchema);
    keyset = " AND (o.created_at < ? OR (o.created_at = ? AND o.id < ?))";
    args.push(c.t, c.t, c.id);
  }
  args.push(limit + 1);
  const who = role === "buyer" ? "o.buyer_id = ?" : "o.id IN (SELECT order_id FROM order_items WHERE seller_id = ?)";
  const { rows } = await db.$client.execute({
    sql: `SELECT o.* FROM orders o WHERE ${who}${keyset} ORDER BY o.created_at DESC, o.id DESC LIMIT ?`,
    args,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: await hydrate(db, page, role === "seller" ? userId : undefined),
    nextCursor: rows.length > limit && last ? encodeCursor({ t: Number(last.created_at), id: String(last.id) }) : null,
  };
}
