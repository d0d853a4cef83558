import { and, desc, eq } from "drizzle-orm";
import { products } from "../../db/schema/catalog";
import { cartItems, listings } from "../../db/schema/marketplace";
import {
  canSee,
  findListing,
  listingColumns,
  listingProduct,
  toListingView,
  type ListingView,
} from "../listings/listings";
import type { Queryable } from "../queryable";
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
  // Hidden or removed by a moderator: to a buyer it is simply no longer offered.
  return l.status === "hidden" || l.status === "removed" ? "withdrawn" : l.status;
};

export async function getCart(db: Queryable, userId: string): Promise<CartView> {
  const rows = await db
    .select({ ...listingColumns, addedAt: cartItems.addedAt })
    .from(cartItems)
    .innerJoin(listings, eq(listings.id, cartItems.listingId))
    .leftJoin(products, listingProduct)
    .where(eq(cartItems.userId, userId))
    .orderBy(desc(cartItems.addedAt), desc(listings.id));
  const totals = new Map<string, number>();
  const items = rows.map((r) => {
    const listing = toListingView(r);
    const reason = reasonFor(listing, userId);
    if (!reason)
      totals.set(listing.price.currency, (totals.get(listing.price.currency) ?? 0) + listing.price.amountMinor);
    return { listing, addedAt: new Date(r.addedAt).toISOString(), available: reason === null, reason };
  });
  return { items, totals: [...totals].map(([currency, amountMinor]) => ({ currency, amountMinor })) };
}

/**
 * Puts a listing in the user's cart, at most once (primary key). Refuses one's own listing (409
 * `own_listing`) and listings that cannot be bought now (409 `listing_unavailable`); hidden ones are 404.
 * Returns whether it was newly added.
 */
export async function addToCart(
  db: Queryable,
  userId: string,
  listingId: string,
  now: number,
): Promise<{ created: boolean; listing: ListingView }> {
  const listing = await findListing(db, listingId);
  if (!listing || !canSee(listing, { userId, isAdmin: false })) throw notFound("listing");
  if (listing.sellerId === userId) throw new ConflictError("own_listing", "you cannot buy your own listing");
  if (listing.status !== "active") {
    throw new ConflictError("listing_unavailable", `listing ${listing.id} is ${listing.status}`, {
      listingId: listing.id,
      status: listing.status,
    });
  }
  const res = await db.insert(cartItems).values({ userId, listingId, addedAt: now }).onConflictDoNothing();
  return { created: res.rowsAffected > 0, listing };
}

/** Idempotent: removing what is not there is not an error. */
export async function removeFromCart(db: Queryable, userId: string, listingId: string): Promise<void> {
  await db.delete(cartItems).where(and(eq(cartItems.userId, userId), eq(cartItems.listingId, listingId)));
}
