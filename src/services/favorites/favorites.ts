import { and, desc, eq, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { products } from "../../db/schema/catalog";
import { favorites, listings, type FavoriteTarget } from "../../db/schema/marketplace";
import { decodeCursor, encodeCursor } from "../../domain/cursor";
import { notFound } from "../../domain/errors";
import { canSee, findListing, selectListings, toListingView, type ListingView } from "../listings/listings";
import type { Queryable } from "../queryable";

export interface FavoriteView {
  type: FavoriteTarget;
  id: string;
  /** The catalog item the favorite is about (the listing's product for listings). */
  productId: string;
  createdAt: string;
  listing: ListingView | null;
  product: { id: string; title: string; image: string | null } | null;
}

/** Resolves a target the user may see, or 404; returns its catalog item. */
export async function resolveTarget(
  db: Queryable,
  userId: string,
  type: FavoriteTarget,
  id: string,
): Promise<{ productId: string }> {
  if (type === "product") {
    const p = await db.select({ id: products.parentAsin }).from(products).where(eq(products.parentAsin, id)).get();
    if (!p) throw notFound("product");
    return { productId: id };
  }
  const l = await findListing(db, id);
  if (!l || !canSee(l, { userId, isAdmin: false })) throw notFound("listing");
  return { productId: l.productId };
}

/** Idempotent add: returns whether it was new. */
export async function addFavorite(
  db: Queryable,
  userId: string,
  type: FavoriteTarget,
  id: string,
  now: number,
): Promise<{ created: boolean; productId: string }> {
  const { productId } = await resolveTarget(db, userId, type, id);
  const res = await db
    .insert(favorites)
    .values({ userId, targetType: type, targetId: id, createdAt: now })
    .onConflictDoNothing();
  return { created: res.rowsAffected > 0, productId };
}

export async function removeFavorite(db: Queryable, userId: string, type: FavoriteTarget, id: string): Promise<void> {
  await db
    .delete(favorites)
    .where(and(eq(favorites.userId, userId), eq(favorites.targetType, type), eq(favorites.targetId, id)));
}

const CursorSchema = z.object({ t: z.number(), k: z.string() });

/** The keyset's tie-breaker: one string per favorite, ordered like (type, id). */
const targetKey = sql<string>`(${favorites.targetType} || '|' || ${favorites.targetId})`;

export async function listFavorites(
  db: Queryable,
  userId: string,
  opts: { type?: FavoriteTarget; limit: number; cursor?: string },
): Promise<{ items: FavoriteView[]; nextCursor: string | null }> {
  const where: (SQL | undefined)[] = [
    eq(favorites.userId, userId),
    opts.type ? eq(favorites.targetType, opts.type) : undefined,
  ];
  // Keyset on (created_at, type|id): stable across inserts.
  if (opts.cursor) {
    const c = decodeCursor(opts.cursor, CursorSchema);
    where.push(or(lt(favorites.createdAt, c.t), and(eq(favorites.createdAt, c.t), lt(targetKey, c.k))));
  }
  const rows = await db
    .select({ type: favorites.targetType, id: favorites.targetId, createdAt: favorites.createdAt })
    .from(favorites)
    .where(and(...where))
    .orderBy(desc(favorites.createdAt), desc(targetKey))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const listingIds = page.filter((r) => r.type === "listing").map((r) => r.id);
  const productIds = page.filter((r) => r.type === "product").map((r) => r.id);
  const listingViews = new Map<string, ListingView>();
  if (listingIds.length) {
    for (const r of await selectListings(db).where(inArray(listings.id, listingIds)))
      listingViews.set(r.id, toListingView(r));
  }
  const productViews = new Map<string, { id: string; title: string; image: string | null }>();
  if (productIds.length) {
    const found = await db
      .select({
        id: products.parentAsin,
        title: products.title,
        image: sql<string | null>`json_extract(${products.images}, '$[0].large')`,
      })
      .from(products)
      .where(inArray(products.parentAsin, productIds));
    for (const p of found) productViews.set(p.id, p);
  }
  const items: FavoriteView[] = page.map(({ type, id, createdAt }) => {
    const listing = type === "listing" ? (listingViews.get(id) ?? null) : null;
    // A favorite listing that was since sold/withdrawn by someone else is shown without its details.
    const visible = listing && canSee(listing, { userId, isAdmin: false }) ? listing : null;
    return {
      type,
      id,
      productId: type === "product" ? id : (listing?.productId ?? ""),
      createdAt: new Date(createdAt).toISOString(),
      listing: visible,
      product: type === "product" ? (productViews.get(id) ?? null) : null,
    };
  });
  const last = page[page.length - 1];
  return {
    items,
    nextCursor:
      rows.length > opts.limit && last ? encodeCursor({ t: last.createdAt, k: `${last.type}|${last.id}` }) : null,
  };
}

/** Whether the user saved this target (the product page's "Saved" state). */
export async function hasFavorite(db: Queryable, userId: string, type: FavoriteTarget, id: string): Promise<boolean> {
  const row = await db
    .select({ id: favorites.targetId })
    .from(favorites)
    .where(and(eq(favorites.userId, userId), eq(favorites.targetType, type), eq(favorites.targetId, id)))
    .get();
  return row !== undefined;
}
