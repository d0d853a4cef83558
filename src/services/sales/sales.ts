import { and, desc, eq, inArray, lt, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/database";
import { orderItems, orders, type FulfilmentStatus } from "../../db/schema/marketplace";
import { decodeCursor, encodeCursor } from "../../domain/cursor";
import { ConflictError, notFound } from "../../domain/errors";
import { auditInsert } from "../audit/audit";
import { hydrate, leastAdvanced, type OrderView } from "../orders/orders";
import { withWriteTransaction } from "../orders/write-tx";
import type { Queryable } from "../queryable";

/**
 * A sale is a seller's part of an order: the items of one order that this seller sold. It moves
 * placed → shipped → completed (ship, then complete on delivery); every item of the part moves together.
 * The order's own status is the least advanced of all its parts (what the buyer still waits for).
 */
export const saleActions = ["ship", "complete"] as const;
export type SaleAction = (typeof saleActions)[number];

const transitions: Record<SaleAction, { from: FulfilmentStatus; to: FulfilmentStatus }> = {
  ship: { from: "placed", to: "shipped" },
  complete: { from: "shipped", to: "completed" },
};

/** What each status allows next (for the 409's details and for the pages' buttons). */
export const allowedActions = (s: FulfilmentStatus): SaleAction[] =>
  saleActions.filter((a) => transitions[a].from === s);

const CursorSchema = z.object({ t: z.number(), id: z.string() });

/** The seller's sales, newest first, optionally only those in one status (keyset cursor). */
export async function listSales(
  db: Queryable,
  sellerId: string,
  q: { status?: FulfilmentStatus; limit: number; cursor?: string },
): Promise<{ items: OrderView[]; nextCursor: string | null }> {
  const where: (SQL | undefined)[] = [
    inArray(
      orders.id,
      db
        .select({ id: orderItems.orderId })
        .from(orderItems)
        .where(and(eq(orderItems.sellerId, sellerId), q.status ? eq(orderItems.status, q.status) : undefined)),
    ),
  ];
  if (q.cursor) {
    const c = decodeCursor(q.cursor, CursorSchema);
    where.push(or(lt(orders.createdAt, c.t), and(eq(orders.createdAt, c.t), lt(orders.id, c.id))));
  }
  const rows = await db
    .select()
    .from(orders)
    .where(and(...where))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: await hydrate(db, page, sellerId),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ t: last.createdAt, id: last.id }) : null,
  };
}

/**
 * Ships or completes the seller's part of an order, in one write transaction with its audit row. Not the
 * seller's (or no such order) → 404; a move the state machine refuses → 409 `invalid_transition` with the
 * current status and the actions it allows.
 */
export async function advanceSale(
  db: Database,
  input: { orderId: string; sellerId: string; action: SaleAction; now: number; auditId: string },
): Promise<OrderView> {
  const { from, to } = transitions[input.action];
  return withWriteTransaction(db, async (tx) => {
    const mine = await tx
      .select({ status: orderItems.status })
      .from(orderItems)
      .where(and(eq(orderItems.orderId, input.orderId), eq(orderItems.sellerId, input.sellerId)));
    if (mine.length === 0) throw notFound("sale");
    const current = leastAdvanced(mine.map((r) => r.status));
    if (current !== from)
      throw new ConflictError("invalid_transition", `a ${current} sale cannot be moved to ${to}`, {
        from: current,
        to,
        allowed: allowedActions(current),
      });
    await tx
      .update(orderItems)
      .set(to === "shipped" ? { status: to, shippedAt: input.now } : { status: to, completedAt: input.now })
      .where(
        and(
          eq(orderItems.orderId, input.orderId),
          eq(orderItems.sellerId, input.sellerId),
          eq(orderItems.status, from),
        ),
      );
    const all = await tx
      .select({ status: orderItems.status })
      .from(orderItems)
      .where(eq(orderItems.orderId, input.orderId));
    await tx
      .update(orders)
      .set({ status: leastAdvanced(all.map((r) => r.status)) })
      .where(eq(orders.id, input.orderId));
    await auditInsert(
      tx,
      {
        actorId: input.sellerId,
        action: `sale.${to}`,
        targetType: "order",
        targetId: input.orderId,
        details: { from, to },
      },
      input.now,
      input.auditId,
    );
    const order = await tx.select().from(orders).where(eq(orders.id, input.orderId)).get();
    return (await hydrate(tx, [order!], input.sellerId))[0]!;
  });
}
