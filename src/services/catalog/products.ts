import type { InValue } from "@libsql/client";
import { z } from "zod";
import type { Database } from "../../db/database";
import { decodeCursor, encodeCursor } from "../../http/cursor";
import { ApiError } from "../../http/errors";
import { toFtsQuery } from "./fts-query";

export const productSorts = ["relevance", "popularity", "rating", "price_asc", "price_desc"] as const;
export type ProductSort = (typeof productSorts)[number];

export interface ProductQuery {
  q?: string;
  category?: string;
  brand?: string;
  minPrice?: number;
  maxPrice?: number;
  minRating?: number;
  sort?: ProductSort;
  limit: number;
  cursor?: string;
}

export interface ProductSummary {
  id: string;
  title: string;
  brand: string | null;
  mainCategory: string | null;
  categoryPath: string | null;
  price: number | null;
  averageRating: number | null;
  ratingCount: number;
  image: string | null;
}

export interface ProductPage {
  items: ProductSummary[];
  nextCursor: string | null;
}

/** Keyset cursor: the last row's sort value and id, bound to the sort so it cannot be replayed elsewhere. */
const cursorSchema = z.object({ s: z.enum(productSorts), v: z.number().nullable(), id: z.number().int() });
type Cursor = z.infer<typeof cursorSchema>;

const summaryColumns = `p.id, p.parent_asin, p.title, p.store, p.main_category, p.category_path, p.price,
  p.average_rating, p.rating_number, json_extract(p.images, '$[0].large') AS image`;

/**
 * Every sort is a keyset walk over an index (never OFFSET): page N costs the same as page 1, and rows
 * inserted meanwhile cannot shift a page boundary into a duplicate. Relevance keys on the bm25 score.
 */
const orderings: Record<ProductSort, { expr: string; dir: "ASC" | "DESC" }> = {
  // bm25(): title weighs most, then features, then description. Lower is better, hence ASC.
  relevance: { expr: "bm25(products_fts, 10.0, 3.0, 1.0)", dir: "ASC" },
  popularity: { expr: "p.rating_number", dir: "DESC" },
  rating: { expr: "p.average_rating", dir: "DESC" },
  price_asc: { expr: "p.price", dir: "ASC" },
  price_desc: { expr: "p.price", dir: "DESC" },
};

/** List/search products with filters, sort and cursor pagination. Raw SQL: drizzle has no FTS5 support. */
export async function listProducts(db: Database, query: ProductQuery): Promise<ProductPage> {
  const fts = query.q === undefined ? null : toFtsQuery(query.q);
  if (query.q !== undefined && fts === null) {
    throw new ApiError(400, "invalid_request", "q must contain at least one letter or digit");
  }
  const sort: ProductSort = query.sort ?? (fts ? "relevance" : "popularity");
  if (sort === "relevance" && !fts) {
    throw new ApiError(400, "invalid_request", "sort=relevance needs a search query q");
  }
  const cursor: Cursor | undefined = query.cursor ? decodeCursor(query.cursor, cursorSchema) : undefined;
  if (cursor && cursor.s !== sort) throw new ApiError(400, "invalid_cursor", "cursor belongs to another sort order");

  const where: string[] = [];
  const args: InValue[] = [];
  if (fts) {
    where.push("products_fts MATCH ?");
    args.push(fts);
  }
  if (query.category) {
    where.push("p.id IN (SELECT product_id FROM product_categories WHERE path = ?)");
    args.push(query.category);
  }
  if (query.brand) {
    where.push("p.store = ?");
    args.push(query.brand);
  }
  if (query.minPrice !== undefined) {
    where.push("p.price >= ?");
    args.push(query.minPrice);
  }
  if (query.maxPrice !== undefined) {
    where.push("p.price <= ?");
    args.push(query.maxPrice);
  }
  if (query.minRating !== undefined) {
    where.push("p.average_rating >= ?");
    args.push(query.minRating);
  }
  // Price sorts list only priced products (SQLite orders NULL first, and "cheapest" must mean a price).
  if (sort === "price_asc" || sort === "price_desc") where.push("p.price IS NOT NULL");

  const { expr, dir } = orderings[sort];
  if (cursor) {
    const cmp = dir === "ASC" ? ">" : "<";
    if (cursor.v === null) {
      // Only `rating` can carry NULL keys (unrated products sort last under DESC).
      where.push(`(${expr} IS NULL AND p.id ${cmp} ?)`);
      args.push(cursor.id);
    } else {
      const nullsAfter = dir === "DESC" ? ` OR ${expr} IS NULL` : "";
      where.push(`(${expr} ${cmp} ? OR (${expr} = ? AND p.id ${cmp} ?)${nullsAfter})`);
      args.push(cursor.v, cursor.v, cursor.id);
    }
  }

  const from = fts ? "products_fts JOIN products p ON p.id = products_fts.rowid" : "products p";
  const sql = `SELECT ${summaryColumns}, ${expr} AS sort_key FROM ${from}
    ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY ${expr} ${dir}, p.id ${dir} LIMIT ?`;
  args.push(query.limit + 1);

  const result = await db.$client.execute({ sql, args });
  const rows = result.rows;
  const hasMore = rows.length > query.limit;
  const page = hasMore ? rows.slice(0, query.limit) : rows;
  const items = page.map(toSummary);
  const last = page[page.length - 1];
  const nextCursor =
    hasMore && last
      ? encodeCursor({ s: sort, v: last.sort_key === null ? null : Number(last.sort_key), id: Number(last.id) } satisfies Cursor)
      : null;
  return { items, nextCursor };
}

type Row = Record<string, unknown>;

export function toSummary(row: Row): ProductSummary {
  return {
    id: String(row.parent_asin),
    title: String(row.title ?? ""),
    brand: (row.store as string | null) ?? null,
    mainCategory: (row.main_category as string | null) ?? null,
    categoryPath: (row.category_path as string | null) ?? null,
    price: row.price === null || row.price === undefined ? null : Number(row.price),
    averageRating: row.average_rating === null || row.average_rating === undefined ? null : Number(row.average_rating),
    ratingCount: Number(row.rating_number ?? 0),
    image: (row.image as string | null) ?? null,
  };
}
