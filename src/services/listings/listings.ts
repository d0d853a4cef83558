import type { InArgs, Row } from "@libsql/client";
import { z } from "zod";
import type { Database } from "../../db/database";
import { conditionGrades, listingStatuses, type ConditionGrade, type ListingStatus } from "../../db/schema/marketplace";
import { decodeCursor, encodeCursor } from "../../domain/cursor";
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
  createdAt: string;
  updatedAt: string;
}

/** Who looks at a listing: decides which statuses are visible. */
export interface Viewer {
  userId: string | null;
  isAdmin: boolean;
}

export const LISTING_SELECT = `
  SELECT l.id, l.parent_asin, l.seller_id, l.condition, l.price_minor, l.currency, l.description, l.photos, l.status,
         l.created_at, l.updated_at, p.title AS product_title, json_extract(p.images, '$[0].large') AS product_image
  FROM listings l LEFT JOIN products p ON p.parent_asin = l.parent_asin`;

const parsePhotos = (v: unknown): string[] => {
  try {
    const parsed: unknown = JSON.parse(String(v ?? "[]"));
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
};

export function toListingView(r: Row): ListingView {
  return {
    id: String(r.id),
    productId: String(r.parent_asin),
    productTitle: r.product_title === null || r.product_title === undefined ? "" : String(r.product_title),
    productImage: r.product_image === null || r.product_image === undefined ? null : String(r.product_image),
    sellerId: String(r.seller_id),
    condition: String(r.condition) as ConditionGrade,
    price: { amountMinor: Number(r.price_minor), currency: String(r.currency) },
    description: String(r.description ?? ""),
    photos: parsePhotos(r.photos),
    status: String(r.status) as ListingStatus,
    createdAt: new Date(Number(r.created_at)).toISOString(),
    updatedAt: new Date(Number(r.updated_at)).toISOString(),
  };
}

export const canSee = (l: { status: ListingStatus; sellerId: string }, viewer: Viewer): boolean =>
  publicStatuses.includes(l.status) || viewer.isAdmin || l.sellerId === viewer.userId;

async function loadListing(db: Database, id: string): Promise<ListingView | null> {
  const { rows } = await db.$client.execute({ sql: `${LISTING_SELECT} WHERE l.id = ?`, args: [id] });
  return rows[0] ? toListingView(rows[0]) : null;
}

/** A listing the viewer may see; a hidden one is indistinguishable from a missing one (404). */
export async function getListing(db: Database, id: string, viewer: Viewer): Promise<ListingView> {
  const l = await loadListing(db, id);
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
  db: Database,
  sellerId: string,
  input: NewListing,
  now: number,
  id: string,
): Promise<ListingView> {
  const res = await db.$client.execute({
    sql: `INSERT INTO listings (id, seller_id, parent_asin, condition, price_minor, currency, description, photos, status, created_at, updated_at)
          SELECT ?, ?, parent_asin, ?, ?, ?, ?, ?, 'active', ?, ? FROM products WHERE parent_asin = ?`,
    args: [
      id,
      sellerId,
      input.condition,
      input.price.amountMinor,
      input.price.currency,
      input.description,
      JSON.stringify(input.photos),
      now,
      now,
      input.productId,
    ],
  });
  // Insert-from-select: the product check and the insert are one statement, so no race with ingest.
  if (res.rowsAffected === 0)
    throw new UnprocessableError("unknown_product", `product ${input.productId} does not exist`);
  return (await loadListing(db, id))!;
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
  db: Database,
  id: string,
  actor: Viewer,
  patch: ListingPatch,
  now: number,
): Promise<ListingView> {
  const current = await loadListing(db, id);
  if (!current || (!actor.isAdmin && current.sellerId !== actor.userId)) throw notFound("listing");
  const editsFields =
    patch.condition !== undefined ||
    patch.price !== undefined ||
    patch.description !== undefined ||
    patch.photos !== undefined;
  if (editsFields && !editableStatuses.includes(current.status)) {
    throw new ConflictError("invalid_transition", `a ${current.status} listing can no longer be edited`);
  }
  const nextStatus = patch.status ?? current.status;
  if (nextStatus !== current.status) assertTransition(current.status, nextStatus);

  const columns: [string, string | number][] = [
    ["updated_at", now],
    ["status", nextStatus],
  ];
  if (patch.condition !== undefined) columns.push(["condition", patch.condition]);
  if (patch.price !== undefined)
    columns.push(["price_minor", patch.price.amountMinor], ["currency", patch.price.currency]);
  if (patch.description !== undefined) columns.push(["description", patch.description]);
  if (patch.photos !== undefined) columns.push(["photos", JSON.stringify(patch.photos)]);
  const res = await db.$client.execute({
    sql: `UPDATE listings SET ${columns.map(([c]) => `${c} = ?`).join(", ")} WHERE id = ? AND status = ?`,
    args: [...columns.map(([, v]) => v), id, current.status],
  });
  if (res.rowsAffected === 0) throw new ConflictError("conflict", "the listing changed meanwhile; reload and retry");
  return (await loadListing(db, id))!;
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
  db: Database,
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
  const where: string[] = [];
  const args: InArgs = [];
  const filter = (clause: string, ...values: (string | number)[]) => {
    where.push(clause);
    args.push(...values);
  };
  filter("l.status = ?", status);
  if (q.productId) filter("l.parent_asin = ?", q.productId);
  if (q.sellerId) filter("l.seller_id = ?", q.sellerId);
  if (q.currency) filter("l.currency = ?", q.currency);
  if (q.minPrice !== undefined) filter("l.price_minor >= ?", q.minPrice);
  if (q.maxPrice !== undefined) filter("l.price_minor <= ?", q.maxPrice);
  if (q.condition?.length) filter(`l.condition IN (${q.condition.map(() => "?").join(",")})`, ...q.condition);
  if (q.category) filter("p.id IN (SELECT product_id FROM product_categories WHERE path = ?)", q.category);
  const key = q.sort === "newest" ? "l.created_at" : "l.price_minor";
  const desc = q.sort !== "price_asc";
  if (q.cursor) {
    const c = decodeCursor(q.cursor, CursorSchema);
    if (c.s !== q.sort) throw new InvalidInputError("invalid_cursor", "cursor belongs to another sort order");
    filter(
      desc ? `(${key} < ? OR (${key} = ? AND l.id < ?))` : `(${key} > ? OR (${key} = ? AND l.id > ?))`,
      c.k,
      c.k,
      c.id,
    );
  }
  const dir = desc ? "DESC" : "ASC";
  args.push(q.limit + 1);
  const { rows } = await db.$client.execute({
    sql: `${LISTING_SELECT} WHERE ${where.join(" AND ")} ORDER BY ${key} ${dir}, l.id ${dir} LIMIT ?`,
    args,
  });
  const page = rows.slice(0, q.limit);
  const items = page.map(toListingView);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > q.limit && last
      ? encodeCursor({
          s: q.sort,
          k: Number(q.sort === "newest" ? last.created_at : last.price_minor),
          id: String(last.id),
        })
      : null;
  return { items, nextCursor };
}

export { conditionGrades, listingStatuses };
