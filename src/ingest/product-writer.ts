import type { Transaction } from "@libsql/client";
import { CATEGORY_SEPARATOR, categoryPaths, type RawMeta } from "../data/amazon";
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
// category_terms is written with the row, from its paths (the JSON element after ALL_COLUMNS), exactly as the
// product_categories triggers of migration 0006 derive it; they then find each term present and skip rewriting
// the product and re-indexing it once per category row (which doubled the CPU of an incremental ingest).
const TERMS_SQL = `(SELECT coalesce(group_concat('c' || t.id, ' '), '') FROM json_each(r.value->${ALL_COLUMNS.length}) j JOIN category_terms t ON t.path = j.value)`;
const PRODUCTS_SQL =
  `INSERT INTO products (${ALL_COLUMNS.join(", ")}, category_terms) SELECT ${ALL_COLUMNS.map((_, i) => `value->>${i}`).join(", ")}, ${TERMS_SQL} ` +
  "FROM json_each(?) r WHERE true " +
  `ON CONFLICT (parent_asin) DO UPDATE SET ${DATA_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", ")}, ` +
  "category_terms = excluded.category_terms, updated_at = excluded.updated_at " +
  `WHERE ${DATA_COLUMNS.map((c) => `products.${c} IS NOT excluded.${c}`).join(" OR ")} ` +
  "RETURNING id, parent_asin";

export interface ProductCounts {
  products: TableCounts;
  productCategories: TableCounts;
  unchanged: number;
}

/**
 * Upserts products from metadata records and brings the product_categories rows of every product that was
 * inserted or changed in line with its paths, inside the caller's transaction. Duplicate parent_asins in one batch: the last wins.
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
  // raw SQL: incremental upsert from one json_each argument with RETURNING, bench:ingest
  const maxBefore = Number((await tx.execute("SELECT coalesce(max(id), 0) AS m FROM products")).rows[0].m);
  const paths = new Set<string>();
  for (const r of byAsin.values()) for (const [path] of r.paths) paths.add(path);
  await tx.execute({
    sql: "INSERT OR IGNORE INTO category_terms (path) SELECT value FROM json_each(?)",
    args: [JSON.stringify([...paths])],
  });
  const json = JSON.stringify([...byAsin.values()].map((r) => [...r.values, r.paths.map(([path]) => path)]));
  const returned = (await tx.execute({ sql: PRODUCTS_SQL, args: [json] })).rows;

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
  // An updated product keeps the category rows it still has: deleting and re-inserting them would make the
  // triggers rewrite and re-index the product once per row. Only stale rows go and only new ones come in.
  let pcDeleted = 0;
  if (updatedIds.length > 0) {
    // raw SQL: incremental upsert from one json_each argument with RETURNING, bench:ingest
    const rs = await tx.execute({
      sql: `DELETE FROM product_categories WHERE product_id IN (SELECT value FROM json_each(?))
              AND (product_id, path) NOT IN (SELECT value->>1, value->>0 FROM json_each(?))`,
      args: [JSON.stringify(updatedIds), JSON.stringify(pcRows)],
    });
    pcDeleted = rs.rowsAffected;
  }
  const pcInserted =
    pcRows.length === 0
      ? 0
      : // raw SQL: incremental upsert from one json_each argument with RETURNING, bench:ingest
        (
          await tx.execute({
            sql: "INSERT INTO product_categories (path, product_id, depth) SELECT value->>0, value->>1, value->>2 FROM json_each(?) WHERE true ON CONFLICT DO NOTHING",
            args: [JSON.stringify(pcRows)],
          })
        ).rowsAffected;
  return {
    products: { inserted, updated: updatedIds.length },
    productCategories: { inserted: pcInserted, updated: pcDeleted },
    unchanged: rows.length - returned.length,
  };
}

export { CATEGORY_SEPARATOR };
