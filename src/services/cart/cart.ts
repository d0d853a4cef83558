import type { Database } from "../../db/database";
import { LISTING_SELECT, canSee, toListingView, type ListingView } from "../listings/listings";
import { ConflictError, notFound } from "../../domain/errors";

export type UnavailableReason = "sold" | "reserved" | "withdrawn" | "own_listing";

export interface CartItem {
  listing: ListingView;
  addedAt: string;
  available: boolean;
  reason: UnavailableReason | null;
}

export interface CartView {
  items: CartItem[];
  /** Sum of the available items, per currency. */
  totals: { currency: string; amountMinor: number }[];
}

const reasonFor = (l: ListingView, userId: string): UnavailableReason | null => {
  if (l.sellerId === userId) return "own_listing";
  if (l.status === "active") return null;
  return l.status;
};

export async function getCart(db: Database, userId: string): Promise<CartView> {
  const { rows } = await db.$client.execute({
    sql: `${LISTING_SELECT.replace("SELECT", "SELECT c.added_at,")} JOIN cart_items c ON c.listing_id = l.id
          WHERE c.user_id = ? ORDER BY c.added_at DESC, l.id DESC`,
    args: [userId],
  });
  const totals = new Map<string, number>();
  const items = rows.map((r) => {
    const listing = toListingView(r);
    const reason = reasonFor(listing, userId);
    if (!reason)
      totals.set(listing.price.currency, (totals.get(listing.price.currency) ?? 0) + listing.price.amountMinor);
    return { listing, addedAt: new Date(Number(r.added_at)).toISOString(), available: reason === null, reason };
  });
  return { items, totals: [...totals].map(([currency, amountMinor]) => ({ currency, amountMinor })) };
}

/**
 * Puts a listing in the user's cart, at most once (primary key). Refuses one's own listing (409
 * `own_listing`) and listings that cannot be bought now (409 `listing_unavailable`); hidden ones are 404.
 * Returns whether it was newly added.
 */
export async function addToCart(
  db: Database,
  userId: string,
  listingId: string,
  now: number,
): Promise<{ created: boolean; listing: ListingView }> {
  const { rows } = await db.$client.execute({ sql: `${LISTING_SELECT} WHERE l.id = ?`, args: [listingId] });
  const listing = rows[0] ? toListingView(rows[0]) : null;
  if (!listing || !canSee(listing, { userId, isAdmin: false })) throw notFound("listing");
  if (listing.sellerId === userId) throw new ConflictError("own_listing", "you cannot buy your own listing");
  if (listing.status !== "active") {
    throw new ConflictError("listing_unavailable", `listing ${listing.id} is ${listing.status}`, {
      listingId: listing.id,
      status: listing.status,
    });
  }
  const res = await db.$client.execute({
    sql: "INSERT INTO cart_items (user_id, listing_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    args: [userId, listingId, now],
  });
  return { created: res.rowsAffected > 0, listing };
}

/** Idempotent: removing what is not there is not an error. */
export async function removeFromCart(db: Database, userId: string, listingId: string): Promise<void> {
  await db.$client.execute({
    sql: "DELETE FROM cart_items WHERE user_id = ? AND listing_id = ?",
    args: [userId, listingId],
  });
}
