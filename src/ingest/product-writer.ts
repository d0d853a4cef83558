import type { Transaction } from "@libsql/client";
import { CATEGORY_SEPARATOR, categoryPaths, type RawMeta } from "../data/amazon";
import { insertJsonRows } from "./multi-row-insert";
import type { TableCounts } from "./report";

const DATA_COLUMNS = [
  "title",
  "store",
  "main_category",
  "category_path",
  "categories",
  "features",
  "description",
  "price",
  "average_rating",
  "rating_number",
  "images",
  "videos",
  "details",
  "bought_together",
];

// Meta rows update the product, but only when something differs: a re-run leaves rows (and updated_at,
// and the FTS index, whose trigger fires on UPDATE) untouched. RETURNING gives the ids of rows written.
// Rows travel as one JSON parameter (see insertJsonRows for why); `WHERE true` disambiguates ON CONFLICT after SELECT.
export const ALL_COLUMNS = ["parent_asin", ...DATA_COLUMNS, "created_at", "updated_at"];
const PRODUCTS_SQL =
  `INSERT INTO products (${ALL_COLUMNS.join(", ")}) SELECT ${ALL_COLUMNS.map((_, i) => `value->>${i}`).join(", ")} FROM json_each(?) WHERE true ` +
  `ON CONFLICT (parent_asin) DO UPDATE SET ${DATA_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", ")}, updated_at = excluded.updated_at ` +
    `WHERE ${DATA_COLUMNS.map((c) => `products.${c} IS NOT excluded.${c}`).join(" OR ")} ` +
  "RETURNING id, parent_asin";

export interface ProductCounts {
  products: TableCounts;
  productCategories: TableCounts;
  unchanged: number;
}

/**
 * Upserts products from metadata records and rewrites the product_categories rows of every product that was
 * inserted or changed, inside the caller's transaction. Duplicate parent_asins in one batch: the last wins.
 */
export async function writeProducts(tx: Transaction, metas: readonly RawMeta[], now: number): Promise<ProductCounts> {
  const byAsin = new Map<string, ProductRow>();
  for (const m of metas) byAsin.set(m.parentAsin, productRow(m, now));
  const c = await writeProductRows(tx, [...byAsin.values()]);
  return { ...c, unchanged: c.unchanged + (metas.length - byAsin.size) };
}

/** A product's column values (in ALL_COLUMNS order) and its category rows as [path, depth] pairs. */
export interface ProductRow {
  values: unknown[];
  paths: [string, number][];
}

export function productRow(m: RawMeta, now: number): ProductRow {
  const paths = categoryPaths(m.categories, m.mainCategory);
  return {
    values: [
      m.parentAsin,
      m.title,
      m.store,
      m.mainCategory,
      paths.length > 0 ? paths[paths.length - 1].path : null,
      JSON.stringify(m.categories),
      JSON.stringify(m.features),
      JSON.stringify(m.description),
      m.price,
      m.averageRating,
      m.ratingNumber,
      JSON.stringify(m.images),
      JSON.stringify(m.videos),
      JSON.stringify(m.details),
      m.boughtTogether === null ? null : JSON.stringify(m.boughtTogether),
      now,
      now,
    ],
    paths: paths.map((p) => [p.path, p.depth]),
  };
}

/** Upserts rows with distinct parent_asins (see writeProducts). */
export async function writeProductRows(tx: Transaction, rows: readonly ProductRow[]): Promise<ProductCounts> {
  const byAsin = new Map<string, ProductRow>();
  for (const r of rows) byAsin.set(String(r.values[0]), r);
  const maxBefore = Number((await tx.execute("SELECT coalesce(max(id), 0) AS m FROM products")).rows[0].m);
  const returned = (await tx.execute({ sql: PRODUCTS_SQL, args: [JSON.stringify([...byAsin.values()].map((r) => r.values))] })).rows;

  let inserted = 0;
  const updatedIds: number[] = [];
  const pcRows: unknown[][] = [];
  for (const row of returned) {
    const id = Number(row.id);
    if (id > maxBefore) inserted++;
    else updatedIds.push(id);
    const r = byAsin.get(String(row.parent_asin));
    if (!r) continue;
    for (const [path, depth] of r.paths) pcRows.push([path, id, depth]);
  }
  let pcDeleted = 0;
  for (let i = 0; i < updatedIds.length; i += 500) {
    const ids = updatedIds.slice(i, i + 500);
    const rs = await tx.execute({ sql: `DELETE FROM product_categories WHERE product_id IN (${ids.map(() => "?").join(",")})`, args: ids });
    pcDeleted += rs.rowsAffected;
  }
  const pcInserted = await insertJsonRows(tx, "product_categories", ["path", "product_id", "depth"], pcRows);
  return {
    products: { inserted, updated: updatedIds.length },
    productCategories: { inserted: pcInserted, updated: pcDeleted },
    unchanged: rows.length - returned.length,
  };
}

export { CATEGORY_SEPARATOR };
