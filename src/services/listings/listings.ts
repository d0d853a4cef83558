import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { productCategories, products } from "../../db/schema/catalog";
import {
  conditionGrades,
  listings,
  listingStatuses,
  type ConditionGrade,
  type ListingStatus,
} from "../../db/schema/marketplace";
import { decodeCursor, encodeCursor } from "../../domain/cursor";
import type { Queryable } from "../queryable";
import { assertTransition, editableStatuses, publicStatuses } from "./state-machine";
import { ConflictError, ForbiddenError, InvalidInputError, notFound, UnprocessableError } from "../../domain/errors";

export interface ListingView {
  id: string;
  productId: string;
  productTitle: string;
  productImage: string | null;
  sellerId: string;
  condition: ConditionGrade;
  price: { amountMinor: number; currency: string };
  description: string;
  photos: string[];
  status: ListingStatus;
  /** Why a moderator hid or removed it (null otherwise). */
  moderationReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Who looks at a listing: decides which statuses are visible. */
export interface Viewer {
  userId: string | null;
  isAdmin: boolean;
}

/** A listing row with its product's title and first image: what every listing view is built from. */
export const listingColumns = {
  id: listings.id,
  productId: listings.parentAsin,
  sellerId: listings.sellerId,
  condition: listings.condition,
  priceMinor: listings.priceMinor,
  currency: listings.currency,
  description: listings.description,
  photos: listings.photos,
  status: listings.status,
  moderationReason: listings.moderationReason,
  createdAt: listings.createdAt,
  updatedAt: listings.updatedAt,
  productTitle: products.title,
  productImage: sql<string | null>`json_extract(${products.images}, '$[0].large')`,
};

/** The join that brings a listing's product (title, image); the product may be missing. */
export const listingProduct = eq(products.parentAsin, listings.parentAsin);

/** Listings joined with their product; callers add where, order and limit. */
export const selectListings = (db: Queryable) =>
  db.select(listingColumns).from(listings).leftJoin(products, listingProduct);

export type ListingRow = Awaited<ReturnType<typeof selectListings>>[number];

const iso = (ms: number) => new Date(ms).toISOString();

export function toListingView(r: ListingRow): ListingView {
  return {
    id: r.id,
    productId: r.productId,
    productTitle: r.productTitle ?? "",
    productImage: r.productImage,
    sellerId: r.sellerId,
    condition: r.condition,
    price: { amountMinor: r.priceMinor, currency: r.currency },
    description: r.description,
    photos: r.photos,
    status: r.status,
    moderationReason: r.moderationReason,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

export const canSee = (l: { status: ListingStatus; sellerId: string }, viewer: Viewer): boolean =>
  publicStatuses.includes(l.status) || viewer.isAdmin || l.sellerId === viewer.userId;

/** A listing whatever its status (callers decide visibility with canSee), or null. */
export async function findListing(db: Queryable, id: string): Promise<ListingView | null> {
  const r = await selectListings(db).where(eq(listings.id, id)).get();
  return r ? toListingView(r) : null;
}

/** A listing the viewer may see; a hidden one is indistinguishable from a missing one (404). */
export async function getListing(db: Queryable, id: string, viewer: Viewer): Promise<ListingView> {
  const l = await findListing(db, id);
  if (!l || !canSee(l, viewer)) throw notFound("listing");
  return l;
}

export interface NewListing {
  productId: string;
  condition: ConditionGrade;
  price: { amountMinor: number; currency: string };
  description: string;
  photos: string[];
}

export async function createListing(
  db: Queryable,
  sellerId: string,
  input: NewListing,
  now: number,
  id: string,
): Promise<ListingView> {
  // Insert-from-select: the product check and the insert are one statement, so no race with ingest. drizzle
  // lists every column in the table's declaration order: the select names them all, in that order.
  const res = await db.insert(listings).select(
    db
      .select({
        id: sql<string>`${id}`.as("id"),
        sellerId: sql<string>`${sellerId}`.as("seller_id"),
        parentAsin: products.parentAsin,
        condition: sql<ConditionGrade>`${input.condition}`.as("condition"),
        priceMinor: sql<number>`${input.price.amountMinor}`.as("price_minor"),
        currency: sql<string>`${input.price.currency}`.as("currency"),
        description: sql<string>`${input.description}`.as("description"),
        photos: sql<string[]>`${JSON.stringify(input.photos)}`.as("photos"),
        status: sql<ListingStatus>`'active'`.as("status"),
        moderationReason: sql<string | null>`NULL`.as("moderation_reason"),
        createdAt: sql<number>`${now}`.as("created_at"),
        updatedAt: sql<number>`${now}`.as("updated_at"),
      })
      .from(products)
      .where(eq(products.parentAsin, input.productId)),
  );
  if (res.rowsAffected === 0)
    throw new UnprocessableError("unknown_product", `product ${input.productId} does not exist`);
  return (await findListing(db, id))!;
}

export interface ListingPatch {
  condition?: ConditionGrade;
  price?: { amountMinor: number; currency: string };
  description?: string;
  photos?: string[];
  status?: ListingStatus;
}

/**
 * Changes a listing as its seller (or an admin). Foreign listings are 404 (never reveal them);
 * field edits need an open listing; status changes follow the state machine. The UPDATE is
 * conditional on the status read, so a concurrent checkout or edit makes this a 409, not a lost update.
 */
export async function updateListing(
  db: Queryable,
  id: string,
  actor: Viewer,
  patch: ListingPatch,
  now: number,
): Promise<ListingView> {
  const current = await findListing(db, id);
  if (!current || (!actor.isAdmin && current.sellerId !== actor.userId)) throw notFound("listing");
  const editsFields =
    patch.condition !== undefined ||
    patch.price !== undefined ||
    patch.description !== undefined ||
    patch.photos !== undefined;
  if (editsFields && !editableStatuses.includes(current.status)) {
    throw new ConflictError("invalid_transition", `a ${current.status} listing can no longer be edited`);
  }
  // Uploaded photos (paths, not https URLs) may be reordered or dropped here, never added: only an upload adds one.
  const foreignPhoto = patch.photos?.find((p) => p.startsWith("/") && !current.photos.includes(p));
  if (foreignPhoto)
    throw new UnprocessableError("unknown_photo", "uploaded photos are added with POST /v1/listings/{id}/photos", {
      photo: foreignPhoto,
    });
  const nextStatus = patch.status ?? current.status;
  if (nextStatus !== current.status) assertTransition(current.status, nextStatus);

  const res = await db
    .update(listings)
    .set({
      updatedAt: now,
      status: nextStatus,
      condition: patch.condition,
      priceMinor: patch.price?.amountMinor,
      currency: patch.price?.currency,
      description: patch.description,
      photos: patch.photos,
    })
    .where(and(eq(listings.id, id), eq(listings.status, current.status)));
  if (res.rowsAffected === 0) throw new ConflictError("conflict", "the listing changed meanwhile; reload and retry");
  return (await findListing(db, id))!;
}

export const listingSorts = ["newest", "price_asc", "price_desc"] as const;
export type ListingSort = (typeof listingSorts)[number];

export interface ListingQuery {
  productId?: string;
  category?: string;
  condition?: ConditionGrade[];
  minPrice?: number;
  maxPrice?: number;
  currency?: string;
  sellerId?: string;
  status?: ListingStatus;
  sort: ListingSort;
  limit: number;
  cursor?: string;
}

const CursorSchema = z.object({ s: z.enum(listingSorts), k: z.number(), id: z.string() });

/** Keyset-paginated search. Non-public statuses only for the seller's own listings (or admins). */
export async function listListings(
  db: Queryable,
  q: ListingQuery,
  viewer: Viewer,
): Promise<{ items: ListingView[]; nextCursor: string | null }> {
  const status = q.status ?? "active";
  if (
    !publicStatuses.includes(status) &&
    !viewer.isAdmin &&
    (q.sellerId === undefined || q.sellerId !== viewer.userId)
  ) {
    throw new ForbiddenError("forbidden", `${status} listings are visible to their seller only (use seller=me)`);
  }
  const key = q.sort === "newest" ? listings.createdAt : listings.priceMinor;
  const desc_ = q.sort !== "price_asc";
  const where: (SQL | undefined)[] = [
    eq(listings.status, status),
    q.productId ? eq(listings.parentAsin, q.productId) : undefined,
    q.sellerId ? eq(listings.sellerId, q.sellerId) : undefined,
    q.currency ? eq(listings.currency, q.currency) : undefined,
    q.minPrice !== undefined ? gte(listings.priceMinor, q.minPrice) : undefined,
    q.maxPrice !== undefined ? lte(listings.priceMinor, q.maxPrice) : undefined,
    q.condition?.length ? inArray(listings.condition, q.condition) : undefined,
    q.category
      ? inArray(
          products.id,
          db
            .select({ id: productCategories.productId })
            .from(productCategories)
            .where(eq(productCategories.path, q.category)),
        )
      : undefined,
  ];
  if (q.cursor) {
    const c = decodeCursor(q.cursor, CursorSchema);
    if (c.s !== q.sort) throw new InvalidInputError("invalid_cursor", "cursor belongs to another sort order");
    const after = desc_ ? lt : gt;
    where.push(or(after(key, c.k), and(eq(key, c.k), after(listings.id, c.id))));
  }
  const dir = desc_ ? desc : asc;
  const rows = await selectListings(db)
    .where(and(...where))
    .orderBy(dir(key), dir(listings.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > q.limit && last
      ? encodeCursor({ s: q.sort, k: q.sort === "newest" ? last.createdAt : last.priceMinor, id: last.id })
      : null;
  return { items: page.map(toListingView), nextCursor };
}

export { conditionGrades, listingStatuses };
