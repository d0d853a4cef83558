import { and, desc, eq, inArray, lt, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import { orderItems, orders, type ConditionGrade, type FulfilmentStatus } from "../../db/schema/marketplace";
import { decodeCursor, encodeCursor } from "../../domain/cursor";
import { notFound } from "../../domain/errors";
import type { Queryable } from "../queryable";

export interface OrderItemView {
  listingId: string;
  productId: string;
  sellerId: string;
  title: string;
  condition: ConditionGrade;
  price: { amountMinor: number; currency: string };
  /** This item's fulfilment by its seller, with when it was shipped and completed. */
  status: FulfilmentStatus;
  shippedAt: string | null;
  completedAt: string | null;
}

export interface OrderView {
  id: string;
  buyerId: string;
  /** The least advanced of its items (what the buyer waits for). */
  status: FulfilmentStatus;
  total: { amountMinor: number; currency: string };
  items: OrderItemView[];
  createdAt: string;
}

type OrderRow = typeof orders.$inferSelect;
type OrderItemRow = typeof orderItems.$inferSelect;

const itemView = (r: OrderItemRow): OrderItemView => ({
  listingId: r.listingId,
  productId: r.parentAsin,
  sellerId: r.sellerId,
  title: r.title,
  condition: r.condition,
  price: { amountMinor: r.priceMinor, currency: r.currency },
  status: r.status,
  shippedAt: r.shippedAt === null ? null : new Date(r.shippedAt).toISOString(),
  completedAt: r.completedAt === null ? null : new Date(r.completedAt).toISOString(),
});

const fulfilmentRank: Record<FulfilmentStatus, number> = { placed: 0, shipped: 1, completed: 2 };
/** A seller's part of an order: the least advanced of its items (they move together, so all equal). */
export const leastAdvanced = (statuses: FulfilmentStatus[]): FulfilmentStatus =>
  statuses.reduce<FulfilmentStatus>((a, s) => (fulfilmentRank[s] < fulfilmentRank[a] ? s : a), "completed");

export async function hydrate(db: Queryable, orderRows: OrderRow[], sellerId?: string): Promise<OrderView[]> {
  if (orderRows.length === 0) return [];
  const items = await db
    .select()
    .from(orderItems)
    .where(
      and(
        inArray(
          orderItems.orderId,
          orderRows.map((o) => o.id),
        ),
        sellerId ? eq(orderItems.sellerId, sellerId) : undefined,
      ),
    )
    .orderBy(orderItems.listingId);
  return orderRows.map((o) => {
    const mine = items.filter((r) => r.orderId === o.id).map(itemView);
    // A seller sees only their part of an order, and the total of that part.
    const total = sellerId ? mine.reduce((n, i) => n + i.price.amountMinor, 0) : o.totalMinor;
    return {
      id: o.id,
      buyerId: o.buyerId,
      // A seller's view shows the status of their part; the buyer's the whole order's.
      status: sellerId && mine.length ? leastAdvanced(mine.map((i) => i.status)) : o.status,
      total: { amountMinor: total, currency: o.currency },
      items: mine,
      createdAt: new Date(o.createdAt).toISOString(),
    };
  });
}

/** An order its buyer or one of its sellers may read; anyone else gets a 404. */
export async function getOrder(db: Queryable, orderId: string, userId: string, isAdmin = false): Promise<OrderView> {
  const o = await db.select().from(orders).where(eq(orders.id, orderId)).get();
  if (!o) throw notFound("order");
  if (o.buyerId === userId || isAdmin) return (await hydrate(db, [o]))[0]!;
  const sold = await db
    .select({ orderId: orderItems.orderId })
    .from(orderItems)
    .where(and(eq(orderItems.orderId, orderId), eq(orderItems.sellerId, userId)))
    .limit(1)
    .get();
  if (!sold) throw notFound("order");
  return (await hydrate(db, [o], userId))[0]!;
}

const CursorSchema = z.object({ t: z.number(), id: z.string() });

export async function listOrders(
  db: Queryable,
  userId: string,
  role: "buyer" | "seller",
  limit: number,
  cursor?: string,
): Promise<{ items: OrderView[]; nextCursor: string | null }> {
  const where: (SQL | undefined)[] = [
    role === "buyer"
      ? eq(orders.buyerId, userId)
      : inArray(
          orders.id,
          db.select({ id: orderItems.orderId }).from(orderItems).where(eq(orderItems.sellerId, userId)),
        ),
  ];
  if (cursor) {
    const c = decodeCursor(cursor, CursorSchema);
    where.push(or(lt(orders.createdAt, c.t), and(eq(orders.createdAt, c.t), lt(orders.id, c.id))));
  }
  const rows = await db
    .select()
    .from(orders)
    .where(and(...where))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: await hydrate(db, page, role === "seller" ? userId : undefined),
    nextCursor: rows.length > limit && last ? encodeCursor({ t: last.createdAt, id: last.id }) : null,
  };
}
