import { z } from "zod";
import type { Database } from "../../db/database";
import type { FavoriteTarget } from "../../db/schema/marketplace";
import { decodeCursor, encodeCursor } from "../../http/cursor";
import { notFound } from "../../http/errors";
import { canSee, LISTING_SELECT, toListingView, type ListingView } from "../listings/listings";

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
  db: Database,
  userId: string,
  type: FavoriteTarget,
  id: string,
): Promise<{ productId: string }> {
  if (type === "product") {
    const { rows } = await db.$client.execute({
      sql: "SELECT parent_asin FROM products WHERE parent_asin = ?",
      args: [id],
    });
    if (!rows[0]) throw notFound("product");
    return { productId: id };
  }
  const { rows } = await db.$client.execute({ sql: `${LISTING_SELECT} WHERE l.id = ?`, args: [id] });
  const l = rows[0] ? toListingView(rows[0]) : null;
  if (!l || !canSee(l, { userId, isAdmin: false })) throw notFound("listing");
  return { productId: l.productId };
}

/** Idempotent add: returns whether it was new. */
export async function addFavorite(
  db: Database,
  userId: string,
  type: FavoriteTarget,
  id: string,
  now: number,
): Promise<{ created: boolean; productId: string }> {
  const { productId } = await resolveTarget(db, userId, type, id);
  const res = await db.$client.execute({
    sql: "INSERT INTO favorites (user_id, target_type, target_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    args: [userId, type, id, now],
  });
  return { created: res.rowsAffected > 0, productId };
}

export async function removeFavorite(db: Database, userId: string, type: FavoriteTarget, id: string): Promise<void> {
  await db.$client.execute({
    sql: "DELETE FROM favorites WHERE user_id = ? AND target_type = ? AND target_id = ?",
    args: [userId, type, id],
  });
}

const CursorSchema = z.object({ t: z.number(), k: z.string() });

export async function listFavorites(
  db: Database,
  userId: string,
  opts: { type?: FavoriteTarget; limit: number; cursor?: string },
): Promise<{ items: FavoriteView[]; nextCursor: string | null }> {
  const where = ["f.user_id = ?"];
  const args: (string | number)[] = [userId];
  if (opts.type) {
    where.push("f.target_type = ?");
    args.push(opts.type);
  }
  // Keyset on (created_at, type|id): stable across inserts.
  if (opts.cursor) {
    const c = decodeCursor(opts.cursor, CursorSchema);
    where.push("(f.created_at < ? OR (f.created_at = ? AND (f.target_type || '|' || f.target_id) < ?))");
    args.push(c.t, c.t, c.k);
  }
  args.push(opts.limit + 1);
  const { rows } = await db.$client.execute({
    sql: `SELECT f.target_type, f.target_id, f.created_at FROM favorites f WHERE ${where.join(" AND ")}
          ORDER BY f.created_at DESC, (f.target_type || '|' || f.target_id) DESC LIMIT ?`,
    args,
  });
  const page = rows.slice(0, opts.limit);
  const listingIds = page.filter((r) => r.target_type === "listing").map((r) => String(r.target_id));
  const productIds = page.filter((r) => r.target_type === "product").map((r) => String(r.target_id));
  const listings = new Map<string, ListingView>();
  if (listingIds.length) {
    const res = await db.$client.execute({
      sql: `${LISTING_SELECT} WHERE l.id IN (${listingIds.map(() => "?").join(",")})`,
      args: listingIds,
    });
    for (const r of res.rows) listings.set(String(r.id), toListingView(r));
  }
  const products = new Map<string, { id: string; title: string; image: string | null }>();
  if (productIds.length) {
    const res = await db.$client.execute({
      sql: `SELECT parent_asin, title, json_extract(images, '$[0].large') AS image FROM products WHERE parent_asin IN (${productIds.map(() => "?").join(",")})`,
      args: productIds,
    });
    for (const r of res.rows)
      products.set(String(r.parent_asin), {
        id: String(r.parent_asin),
        title: String(r.title),
        image: r.image === null ? null : String(r.image),
      });
  }
  const items: FavoriteView[] = page.map((r) => {
    const type = String(r.target_type) as FavoriteTarget;
    const id = String(r.target_id);
    const listing = type === "listing" ? (listings.get(id) ?? null) : null;
    // A favorite listing that was since sold/withdrawn by someone else is shown without its details.
    const visible = listing && canSee(listing, { userId, isAdmin: false }) ? listing : null;
    return {
      type,
      id,
      productId: type === "product" ? id : (listing?.productId ?? ""),
      createdAt: new Date(Number(r.created_at)).toISOString(),
      listing: visible,
      product: type === "product" ? (products.get(id) ?? null) : null,
    };
  });
  const last = page[page.length - 1];
  return {
    items,
    nextCursor:
      rows.length > opts.limit && last
        ? encodeCursor({ t: Number(last.created_at), k: `${String(last.target_type)}|${String(last.target_id)}` })
        : null,
  };
}
