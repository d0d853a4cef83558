import type { Database } from "../db/database";
import { ItemCatalog, type CatalogRow } from "./catalog";

function parseList(raw: unknown): string[] | null {
  if (typeof raw !== "string" || raw === "" || raw === "null") return null;
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : null;
  } catch {
    return null; // a malformed column must not stop serving; the product just has no bought-together list
  }
}

const COLUMNS =
  "id, parent_asin, title, category_path, price, average_rating, rating_number, created_at, bought_together";

function toRow(r: Record<string, unknown>): CatalogRow {
  return {
    id: String(r.parent_asin),
    title: String(r.title ?? ""),
    categoryPath: r.category_path === null ? null : String(r.category_path),
    price: r.price === null ? null : Number(r.price),
    rating: r.average_rating === null ? null : Number(r.average_rating),
    ratingCount: Number(r.rating_number ?? 0),
    createdAt: Number(r.created_at ?? 0),
    boughtTogether: parseList(r.bought_together),
  };
}

/**
 * Catalog rows with products.id > `afterRowId`, in id order, in pages: the whole catalog from 0, or what was
 * added since (ids only grow). Raw SQL: ~10x less allocation than drizzle rows at 30k+. Returns the last id read.
 * `pause` runs between pages: on a serving thread, a reload passes a yield to the event loop there (each page
 * is one synchronous read on the embedded engine: 20k rows held requests for ~0.5 s).
 */
export async function loadCatalogRows(
  db: Pick<Database, "$client">,
  afterRowId = 0,
  pageSize = 20_000,
  pause?: () => Promise<void>,
): Promise<{ rows: CatalogRow[]; lastRowId: number }> {
  const rows: CatalogRow[] = [];
  let after = afterRowId;
  for (;;) {
    // raw SQL: bulk catalog read at model load, ~10x less allocation than drizzle rows, bench:serve
    const res = await db.$client.execute({
      sql: `SELECT ${COLUMNS} FROM products WHERE id > ? ORDER BY id LIMIT ?`,
      args: [after, pageSize],
    });
    for (const r of res.rows) {
      rows.push(toRow(r as unknown as Record<string, unknown>));
      after = Number(r.id);
    }
    if (res.rows.length < pageSize) break;
    await pause?.();
  }
  return { rows, lastRowId: after };
}

/** products.id of the last row each loaded catalog read (cold start appends what came after it). */
const loadedThrough = new WeakMap<ItemCatalog, number>();

/** The last products.id `catalog` was loaded through, when it came from `loadCatalog`. */
export function catalogLoadedThrough(catalog: ItemCatalog): number | undefined {
  return loadedThrough.get(catalog);
}

/** Reads the catalog's serving attributes (`pause`: see loadCatalogRows). */
export async function loadCatalog(db: Database, pageSize = 20_000, pause?: () => Promise<void>): Promise<ItemCatalog> {
  const { rows, lastRowId } = await loadCatalogRows(db, 0, pageSize, pause);
  const catalog = new ItemCatalog(rows);
  loadedThrough.set(catalog, lastRowId);
  return catalog;
}
