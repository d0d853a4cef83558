import { and, desc, eq, like, lt, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/database";
import { products } from "../../db/schema/catalog";
import { listings, type ListingStatus } from "../../db/schema/marketplace";
import { decodeCursor, encodeCursor } from "../../domain/cursor";
import { ConflictError, notFound } from "../../domain/errors";
import { auditInsert } from "../audit/audit";
import { findListing, selectListings, toListingView, type ListingView } from "../listings/listings";
import { withWriteTransaction } from "../orders/write-tx";
import type { Queryable } from "../queryable";

/**
 * Moderation of listings by admins: `hide` takes an open listing off the market reversibly (`restore` puts it
 * back as active), `remove` ends it for good. Each needs a reason (shown to the seller) and leaves an audit row.
 * Sold listings belong to an order and are never moderated away.
 */
export const moderationActions = ["hide", "restore", "remove"] as const;
export type ModerationAction = (typeof moderationActions)[number];

const rules: Record<ModerationAction, { from: readonly ListingStatus[]; to: ListingStatus }> = {
  hide: { from: ["active", "reserved"], to: "hidden" },
  restore: { from: ["hidden"], to: "active" },
  remove: { from: ["active", "reserved", "withdrawn", "hidden"], to: "removed" },
};

export async function moderateListing(
  db: Database,
  input: {
    listingId: string;
    action: ModerationAction;
    reason: string | null;
    actorId: string;
    now: number;
    auditId: string;
  },
): Promise<ListingView> {
  const rule = rules[input.action];
  return withWriteTransaction(db, async (tx) => {
    const l = await findListing(tx, input.listingId);
    if (!l) throw notFound("listing");
    if (!rule.from.includes(l.status))
      throw new ConflictError(
        "invalid_transition",
        `a ${l.status} listing cannot be ${input.action === "hide" ? "hidden" : `${input.action}d`}`,
        {
          from: l.status,
          to: rule.to,
          action: input.action,
        },
      );
    await tx
      .update(listings)
      .set({ status: rule.to, moderationReason: rule.to === "active" ? null : input.reason, updatedAt: input.now })
      .where(and(eq(listings.id, l.id), eq(listings.status, l.status)));
    await auditInsert(
      tx,
      {
        actorId: input.actorId,
        action: `listing.${rule.to}`,
        targetType: "listing",
        targetId: l.id,
        details: { from: l.status, to: rule.to, reason: input.reason, sellerId: l.sellerId },
      },
      input.now,
      input.auditId,
    );
    return (await findListing(tx, l.id))!;
  });
}

const CursorSchema = z.object({ t: z.number(), id: z.string() });

/** Every listing whatever its status (moderators; a seller's own listings page): newest first, by status, seller or title words. */
export async function listAnyStatus(
  db: Queryable,
  q: { status?: ListingStatus; sellerId?: string; q?: string; limit: number; cursor?: string },
): Promise<{ items: ListingView[]; nextCursor: string | null }> {
  const where: (SQL | undefined)[] = [
    q.status ? eq(listings.status, q.status) : undefined,
    q.sellerId ? eq(listings.sellerId, q.sellerId) : undefined,
    q.q
      ? or(
          like(products.title, `%${q.q.replace(/[\\%_]/g, "")}%`),
          like(listings.description, `%${q.q.replace(/[\\%_]/g, "")}%`),
          eq(listings.id, q.q),
        )
      : undefined,
  ];
  if (q.cursor) {
    const c = decodeCursor(q.cursor, CursorSchema);
    where.push(or(lt(listings.createdAt, c.t), and(eq(listings.createdAt, c.t), lt(listings.id, c.id))));
  }
  const rows = await selectListings(db)
    .where(and(...where))
    .orderBy(desc(listings.createdAt), desc(listings.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toListingView),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ t: last.createdAt, id: last.id }) : null,
  };
}
