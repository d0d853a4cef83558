import type { InValue } from "@libsql/client";
import { z } from "zod";
import type { Database } from "../../db/database";
import { decodeCursor, encodeCursor } from "../../domain/cursor";
import { toFtsQuery, withCategoryTerm } from "./fts-query";
import { blendCandidates, type BlendWeights } from "./search-blend";
import { catalogRevision, isHeadForm, loadHeadList, type HeadList } from "./search-heads";
import { InvalidInputError } from "../../domain/errors";
import { demoImageUrl } from "../../demo/meta-record";

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
 * Every sort is a keyset walk (never OFFSET): page N costs the same as page 1, and rows inserted meanwhile
 * cannot shift a page boundary into a duplicate. Relevance keys on FTS5's `rank` (weighted bm25, configured
 * in migration 0003; lower is better).
 */
const orderings: Record<ProductSort, { expr: string; dir: "ASC" | "DESC" }> = {
  relevance: { expr: "products_fts.rank", dir: "ASC" },
  popularity: { expr: "p.rating_number", dir: "DESC" },
  rating: { expr: "p.average_rating", dir: "DESC" },
  price_asc: { expr: "p.price", dir: "ASC" },
  price_desc: { expr: "p.price", dir: "DESC" },
};

/** Keyset condition after `cursor` for an ordering over (expr, id). */
function keyset(expr: string, idExpr: string, dir: "ASC" | "DESC", cursor: Cursor, args: InValue[]): string {
  const cmp = dir === "ASC" ? ">" : "<";
  if (cursor.v === null) {
    // Only `rating` can carry NULL keys (unrated products sort last under DESC).
    args.push(cursor.id);
    return `(${expr} IS NULL AND ${idExpr} ${cmp} ?)`;
  }
  args.push(cursor.v, cursor.v, cursor.id);
  const nullsAfter = dir === "DESC" ? ` OR ${expr} IS NULL` : "";
  return `(${expr} ${cmp} ? OR (${expr} = ? AND ${idExpr} ${cmp} ?)${nullsAfter})`;
}

interface CategoryPlan {
  strategy: "empty" | "list" | "walk";
  /** Id of the category's FTS term (`c<id>` in products_fts.category_terms), null if the path never had one. */
  termId: number | null;
}

/**
 * How to apply a category filter, chosen from the category's size (the materialised tree has the counts):
 * a small category is cheapest as its id list, sorted (cost ~ its size); a large one by walking the sort
 * index and probing membership per row (cost ~ limit x catalog / category size). Left to itself SQLite
 * always expands the list, which costs 100 ms for a 12k-product category at 100k products. A search uses
 * the category's FTS term instead, fetched in the same round trip.
 */
async function categoryPlan(db: Database, path: string, limit: number): Promise<CategoryPlan> {
  // raw SQL: the category plan probe (size, catalog max id and FTS term in one round trip), bench:catalog
  const res = await db.$client.execute({
    sql: `SELECT (SELECT product_count FROM categories WHERE path = ?) AS n, (SELECT max(id) FROM products) AS total,
            (SELECT id FROM category_terms WHERE path = ?) AS term`,
    args: [path, path],
  });
  const count = Number(res.rows[0]?.n ?? 0);
  const total = Number(res.rows[0]?.total ?? 0);
  const termId = res.rows[0]?.term === null || res.rows[0]?.term === undefined ? null : Number(res.rows[0].term);
  if (count === 0) return { strategy: "empty", termId };
  return { strategy: count * count <= (limit + 1) * total ? "list" : "walk", termId };
}

/** List/search products with filters, sort and cursor pagination. Raw SQL: drizzle has no FTS5 support. */
export async function listProducts(
  db: Database,
  query: ProductQuery,
  tuning: { categoryWindow?: number; blend?: boolean; blendWindow?: number; blendWeights?: BlendWeights } = {},
): Promise<ProductPage> {
  const text = query.q === undefined ? null : toFtsQuery(query.q);
  if (query.q !== undefined && text === null) {
    throw new InvalidInputError("invalid_request", "q must contain at least one letter or digit");
  }
  const sort: ProductSort = query.sort ?? (text ? "relevance" : "popularity");
  if (sort === "relevance" && !text) {
    throw new InvalidInputError("invalid_request", "sort=relevance needs a search query q");
  }
  const cursor: Cursor | undefined = query.cursor ? decodeCursor(query.cursor, cursorSchema) : undefined;
  if (cursor && cursor.s !== sort)
    throw new InvalidInputError("invalid_cursor", "cursor belongs to another sort order");

  const plan = query.category ? await categoryPlan(db, query.category, query.limit) : null;
  if (plan?.strategy === "empty") return { items: [], nextCursor: null };
  const strategy = plan?.strategy ?? null;
  // A search scoped to a category is one FTS query: FTS5 intersects the posting lists and ranks only the
  // category's hits. (Ranking every hit and probing membership cost 165 ms p99 at 100k products.)
  const termId = text === null ? null : (plan?.termId ?? null);
  const categoryInMatch = termId !== null;
  const fts = text === null || termId === null ? text : withCategoryTerm(text, termId);

  const { expr, dir } = orderings[sort];

  const filters: string[] = [];
  const filterArgs: InValue[] = [];
  if (query.category && !categoryInMatch) {
    filters.push(
      strategy === "list"
        ? "p.id IN (SELECT product_id FROM product_categories WHERE path = ?)"
        : "EXISTS (SELECT 1 FROM product_categories pc WHERE pc.path = ? AND pc.product_id = p.id)",
    );
    filterArgs.push(query.category);
  }
  // A unary + keeps SQLite from driving the query off a filter column's index when walking the sort
  // index is cheaper (the filter is then checked per row).
  const rowFilterCount = [query.brand, query.minPrice, query.maxPrice, query.minRating].filter(
    (v) => v !== undefined,
  ).length;
  // With row filters, a category is always read through its member list (bounded by its size, each member
  // checked in the covering index): a walk would scan the whole sort index when the filters reject most
  // members. Without them, large categories walk the (covering) sort index, which stops after a page.
  const memberList = !fts && query.category !== undefined && (strategy === "list" || rowFilterCount > 0);
  const walk = !fts && strategy !== "list" && !memberList;
  const col = (name: "price" | "average_rating") => (walk && expr !== `p.${name}` ? `+p.${name}` : `p.${name}`);
  if (query.brand !== undefined) {
    filters.push("p.store = ?");
    filterArgs.push(query.brand);
  }
  if (query.minPrice !== undefined) {
    filters.push(`${col("price")} >= ?`);
    filterArgs.push(query.minPrice);
  }
  if (query.maxPrice !== undefined) {
    filters.push(`${col("price")} <= ?`);
    filterArgs.push(query.maxPrice);
  }
  if (query.minRating !== undefined) {
    filters.push(`${col("average_rating")} >= ?`);
    filterArgs.push(query.minRating);
  }
  // Price sorts list only priced products (SQLite orders NULL first, and "cheapest" must mean a price).
  if (sort === "price_asc" || sort === "price_desc") filters.push("p.price IS NOT NULL");

  let rows: Row[] | null = null;
  // A large category with row filters: first the top `CATEGORY_WINDOW` rows of the sort order, filtered
  // (exact whenever they fill the page); the member list below only when they do not.
  if (!fts && strategy === "walk" && rowFilterCount > 0)
    rows = await categoryWindow(
      db,
      expr,
      dir,
      sort,
      filters,
      filterArgs,
      cursor,
      query.limit,
      tuning.categoryWindow ?? CATEGORY_WINDOW,
    );
  if (rows !== null) {
    // answered by the window
  } else if (fts && sort === "relevance") {
    rows =
      tuning.blend === false
        ? await searchByRelevance(db, fts, filters, filterArgs, cursor, query.limit)
        : await blendedSearch(db, query.q ?? "", fts, filters, filterArgs, cursor, query.limit, tuning);
  } else {
    const where = [...filters];
    const args: InValue[] = [...filterArgs];
    let from = "products p";
    if (fts) {
      where.unshift("products_fts MATCH ?");
      args.unshift(fts);
      from = "products_fts JOIN products p ON p.id = products_fts.rowid";
    } else if (memberList) {
      // CROSS JOIN pins the category as the outer loop (SQLite never reorders it); INDEXED BY makes each
      // member's filter check an index lookup instead of a read of the wide row.
      where[0] = "pc.path = ?";
      from = "product_categories pc CROSS JOIN products p INDEXED BY products_filter_cover_idx ON p.id = pc.product_id";
    }
    if (cursor) where.push(keyset(expr, "p.id", dir, cursor, args));
    args.push(query.limit + 1);
    // Id-first: choose the page on indexed columns only, then read the full rows of just that page.
    const sql = fts
      ? `SELECT ${summaryColumns}, ${expr} AS sort_key FROM ${from}
          ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
          ORDER BY ${expr} ${dir}, p.id ${dir} LIMIT ?`
      : `SELECT ${summaryColumns}, h.sort_key FROM
          (SELECT p.id AS id, ${expr} AS sort_key FROM ${from}
            ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
            ORDER BY ${expr} ${dir}, p.id ${dir} LIMIT ?) h
          JOIN products p ON p.id = h.id ORDER BY h.sort_key ${dir}, h.id ${dir}`;
    // raw SQL: covering-index walk with a hand-chosen category plan (SQLite picks a 100 ms plan), bench:catalog
    rows = (await db.$client.execute({ sql, args })).rows;
  }

  const hasMore = rows.length > query.limit;
  const page = hasMore ? rows.slice(0, query.limit) : rows;
  const last = page[page.length - 1];
  const nextCursor =
    hasMore && last
      ? encodeCursor({
          s: sort,
          v: last.sort_key === null ? null : Number(last.sort_key),
          id: Number(last.id),
        } satisfies Cursor)
      : null;
  return { items: page.map(toSummary), nextCursor };
}

type Row = Record<string, unknown>;

/** Rows of the sort order a filtered large-category listing looks at before falling back to the member list (tests pass smaller ones). */
const CATEGORY_WINDOW = 3000;

/**
 * Large category + row filters (price, rating, brand) by a bounded walk: the first CATEGORY_WINDOW rows of
 * the sort order after the cursor (read from the sort's covering index), filtered by membership and the
 * row filters, first page kept. If the page fills, it is exactly the member-list answer: every product
 * outside the window comes later in the same (key, id) order. If it does not fill and the window was full,
 * returns null and the caller reads the member list (filters that reject most products). Measured at 100k
 * products: ~1.2 ms for a 12k-product category with a price range, against ~4.4 ms for its member list.
 */
async function categoryWindow(
  db: Database,
  expr: string,
  dir: "ASC" | "DESC",
  sort: ProductSort,
  filters: string[],
  filterArgs: InValue[],
  cursor: Cursor | undefined,
  limit: number,
  window: number,
): Promise<Row[] | null> {
  const args: InValue[] = [];
  const inner: string[] = [];
  if (cursor) inner.push(keyset(expr, "p.id", dir, cursor, args));
  // Price sorts list priced products only; without this the window of price_asc would start with the NULLs.
  if (sort === "price_asc" || sort === "price_desc") inner.push("p.price IS NOT NULL");
  args.push(window, ...filterArgs, limit + 1);
  const sql = `SELECT ${summaryColumns}, h.sort_key FROM
      (SELECT p.id AS id, ${expr} AS sort_key FROM
        (SELECT id, price, average_rating, rating_number, store FROM products p
          ${inner.length ? `WHERE ${inner.join(" AND ")}` : ""} ORDER BY ${expr} ${dir}, p.id ${dir} LIMIT ?) p
        WHERE ${filters.join(" AND ")}
        ORDER BY ${expr} ${dir}, p.id ${dir} LIMIT ?) h
      JOIN products p ON p.id = h.id ORDER BY h.sort_key ${dir}, h.id ${dir}`;
  // raw SQL: the bounded category window over the sort's covering index, bench:catalog ("large category + price")
  const rows = (await db.$client.execute({ sql, args })).rows;
  if (rows.length > limit) return rows;
  // Fewer than a page: exact only if the window held every remaining row of the sort order.
  const countArgs = args.slice(0, args.length - filterArgs.length - 1);
  // raw SQL: the same window's bounded count (index only), bench:catalog
  const seen = await db.$client.execute({
    sql: `SELECT count(*) AS n FROM (SELECT 1 FROM products p ${inner.length ? `WHERE ${inner.join(" AND ")}` : ""} LIMIT ?)`,
    args: countArgs,
  });
  return Number(seen.rows[0].n) < window ? rows : null;
}

/** Candidate windows for filtered search; the last (null) is unbounded, so the answer is always exact. */
const searchWindows = [400, 4000, null] as const;

/**
 * Relevance search. FTS5 ranks inside the index (`ORDER BY rank`), and only then are product rows joined
 * and filtered: joining first costs a product fetch per match (4x slower for a term in 15% of titles).
 * With filters, the top-ranked window of hits is filtered; if fewer than a page survive and the window was
 * full, the window grows, ending unbounded — so results are exactly those of filtering every hit.
 *
 * A frequent one-token search has a precomputed head list (search-heads.ts): the first K hits in (rank, rowid)
 * order at the current catalog revision, from the same bm25. A window the list covers (K entries after the
 * cursor, or all hits) is read from it and only its product rows are fetched; anything beyond the list's end
 * runs live with the same keyset. The page is the same either way.
 */
async function searchByRelevance(
  db: Database,
  fts: string,
  filters: string[],
  filterArgs: InValue[],
  cursor: Cursor | undefined,
  limit: number,
): Promise<Row[]> {
  const windows = filters.length === 0 ? [limit + 1] : searchWindows;
  // Relevance cursors always carry a rank; a null one (live: no rows) is left to the live path.
  let head = isHeadForm(fts) && cursor?.v !== null ? await loadHeadList(db, fts) : null;
  const start = head ? (cursor ? firstAfter(head, cursor.v as number, cursor.id) : 0) : 0;
  for (const window of windows) {
    if (head) {
      const served = await windowFromHead(db, head, start, window, filters, filterArgs, limit);
      if (served === "stale") head = null;
      else if (served !== "uncovered") {
        // The live rule below with the window's fullness known exactly.
        if (served.rows.length > limit || window === null || !served.full) return served.rows;
        continue;
      }
    }
    const args: InValue[] = [fts];
    const after = cursor ? ` AND ${keyset("rank", "rowid", "ASC", cursor, args)}` : "";
    if (window !== null) args.push(window);
    args.push(...filterArgs, limit + 1);
    // Filters are judged in the covering index (never the wide row); full rows are read for the page only.
    const filterFrom = filters.length ? "JOIN products p INDEXED BY products_filter_cover_idx ON p.id = h.id" : "";
    const sql = `SELECT ${summaryColumns}, page.k AS sort_key, page.hits AS window_hits FROM
        (SELECT h.id, h.k, h.hits FROM
          (SELECT rowid AS id, rank AS k, count(*) OVER () AS hits FROM
             (SELECT rowid, rank FROM products_fts WHERE products_fts MATCH ?${after} ORDER BY rank, rowid${window === null ? "" : " LIMIT ?"})) h
          ${filterFrom}
          ${filters.length ? `WHERE ${unplus(filters).join(" AND ")}` : ""}
          ORDER BY h.k, h.id LIMIT ?) page
      JOIN products p ON p.id = page.id
      ORDER BY page.k, page.id`;
    // raw SQL: FTS5 MATCH + bm25 rank with keyset and window, bench:catalog
    const rows = (await db.$client.execute({ sql, args })).rows;
    const windowWasFull = window !== null && rows.length > 0 && Number(rows[0].window_hits) >= window;
    if (
      rows.length > limit ||
      window === null ||
      (rows.length > 0 && !windowWasFull) ||
      (rows.length === 0 && !(await windowFull(db, fts, cursor, window)))
    ) {
      return rows;
    }
  }
  return [];
}

/** bm25 candidates the blend re-orders (the rest follow in bm25 order). */
const BLEND_WINDOW = 100;
/** Blended sort keys are 2 + score (> 0); bm25 ranks are < 0: a cursor's sign says which phase it is in. */
const BLEND_KEY_OFFSET = 2;

/**
 * Relevance search with the blend (search-blend.ts): the first BLEND_WINDOW bm25 hits (after filters, read
 * through searchByRelevance, so head lists and windows apply) re-ordered by the blended score, then the
 * remaining hits in bm25 order. Cursors inside the window carry 2 + score (positive); after it, the bm25
 * rank (negative) of the plain keyset walk, which continues right after the window's last bm25 hit.
 */
async function blendedSearch(
  db: Database,
  q: string,
  fts: string,
  filters: string[],
  filterArgs: InValue[],
  cursor: Cursor | undefined,
  limit: number,
  tuning: { blendWindow?: number; blendWeights?: BlendWeights },
): Promise<Row[]> {
  if (cursor && cursor.v !== null && cursor.v < 0)
    return searchByRelevance(db, fts, filters, filterArgs, cursor, limit);
  const size = tuning.blendWindow ?? BLEND_WINDOW;
  // Candidates with the blend's inputs only: title and category path sit early in the row, so the wide
  // JSON columns (overflow pages) are never read for the window; full rows are read for the page alone.
  const filterWhere = filters.length ? `WHERE ${unplus(filters).join(" AND ")}` : "";
  const candidateColumns = "p.title, p.category_path, p.rating_number, p.average_rating";
  let res: { rows: Row[] } | null = null;
  // A frequent word's head list (search-heads.ts) holds its first bm25 hits: no live ranking of every hit.
  const head = filters.length === 0 && isHeadForm(fts) ? await loadHeadList(db, fts) : null;
  if (head && (head.complete || head.ids.length > size)) {
    const take = Math.min(head.ids.length, size + 1);
    const pairs = Array.from({ length: take }, (_, i) => [head.ids[i], head.ranks[i]]);
    // raw SQL: the blend's candidates from a head list (json_each over rowid/rank pairs), checked against the catalog revision, bench:search
    const fromHead = await db.$client.execute({
      sql: `SELECT j.value ->> 0 AS id, j.value ->> 1 AS k, ${candidateColumns}
        FROM json_each(?) j JOIN products p ON p.id = j.value ->> 0
        WHERE (SELECT revision FROM catalog_revision WHERE id = 1) = ? ORDER BY j.key`,
      args: [JSON.stringify(pairs), head.revision],
    });
    if (fromHead.rows.length === take) res = fromHead as unknown as { rows: Row[] };
  }
  // raw SQL: FTS5 MATCH + bm25 rank, the blend's candidate window (narrow columns), bench:search
  res ??= (await db.$client.execute({
    sql: `SELECT f.rowid AS id, f.rank AS k, ${candidateColumns}
      FROM (SELECT rowid, rank FROM products_fts WHERE products_fts MATCH ? ORDER BY rank, rowid${filters.length ? "" : " LIMIT ?"}) f
      JOIN products p ON p.id = f.rowid ${filterWhere}
      ORDER BY f.rank, f.rowid LIMIT ?`,
    args: filters.length ? [fts, ...filterArgs, size + 1] : [fts, size + 1, size + 1],
  })) as unknown as { rows: Row[] };
  const window = res.rows.slice(0, size);
  const ranked = blendCandidates(
    q,
    window.map((r) => ({
      id: Number(r.id),
      rank: Number(r.k),
      title: String(r.title ?? ""),
      categoryPath: (r.category_path as string | null) ?? null,
      ratingCount: Number(r.rating_number ?? 0),
      averageRating: r.average_rating === null || r.average_rating === undefined ? null : Number(r.average_rating),
    })),
    tuning.blendWeights,
  );
  let start = 0;
  if (cursor && cursor.v !== null) {
    const v = cursor.v;
    start = ranked.findIndex(({ candidate, score }) => {
      const k = BLEND_KEY_OFFSET + score;
      return k < v || (k === v && candidate.id > cursor.id);
    });
    if (start < 0) start = ranked.length;
  }
  const chosen = ranked.slice(start, start + limit + 1);
  let page: Row[] = [];
  if (chosen.length > 0) {
    // raw SQL: full summary rows of one blended page, by id, bench:search
    const full = await db.$client.execute({
      sql: `SELECT ${summaryColumns} FROM products p WHERE p.id IN (${chosen.map(() => "?").join(",")})`,
      args: chosen.map((c) => c.candidate.id),
    });
    const byId = new Map(full.rows.map((r) => [Number(r.id), r as Row]));
    page = chosen.flatMap(({ candidate, score }) => {
      const row = byId.get(candidate.id);
      return row ? [{ ...row, sort_key: BLEND_KEY_OFFSET + score }] : [];
    });
  }
  if (page.length > limit || res.rows.length <= size) return page;
  // The window is used up and more hits exist: continue in bm25 order after the window's last hit.
  const last = window[window.length - 1];
  const rest = await searchByRelevance(
    db,
    fts,
    filters,
    filterArgs,
    { s: "relevance", v: Number(last.k), id: Number(last.id) },
    limit - page.length,
  );
  return [...page, ...rest];
}

/** Filters as the live search writes them (the unary + only steers list plans). */
const unplus = (filters: string[]) => filters.map((f) => f.replace(/\+p\./g, "p."));

/** Index of the first list entry after the keyset cursor (rank, id): entries are in (rank, rowid) order. */
function firstAfter(head: HeadList, v: number, id: number): number {
  let lo = 0;
  let hi = head.ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const r = head.ranks[mid];
    if (r > v || (r === v && head.ids[mid] > id)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const summaryKeys = [
  "id",
  "parent_asin",
  "title",
  "store",
  "main_category",
  "category_path",
  "price",
  "average_rating",
  "rating_number",
  "image",
] as const;

/**
 * One search window (the `window` best hits after the cursor; null = all) served from a head list, if the list
 * covers it: "uncovered" otherwise, "stale" if the catalog changed since the list was loaded (then the caller
 * runs live). The revision is checked in the statement that reads the rows: rows come back only at the list's
 * revision, and an empty answer is confirmed afterwards (the revision only ever grows).
 */
async function windowFromHead(
  db: Database,
  head: HeadList,
  start: number,
  window: number | null,
  filters: string[],
  filterArgs: InValue[],
  limit: number,
): Promise<{ rows: Row[]; full: boolean } | "uncovered" | "stale"> {
  const available = head.ids.length - start;
  if (!head.complete && (window === null || available < window)) return "uncovered";
  const take = window === null ? available : Math.min(window, available);
  const full = window !== null && available >= window;
  if (take <= 0) return { rows: [], full };
  const ids = Array.from(head.ids.subarray(start, start + take));
  const filterFrom = filters.length ? "JOIN products p INDEXED BY products_filter_cover_idx ON p.id = j.value" : "";
  const sql = `SELECT ${summaryColumns}, h.pos FROM
      (SELECT j.key AS pos, j.value AS id FROM json_each(?) j
        ${filterFrom}
        ${filters.length ? `WHERE ${unplus(filters).join(" AND ")}` : ""}
        ORDER BY j.key LIMIT ?) h
      JOIN products p ON p.id = h.id
    WHERE (SELECT revision FROM catalog_revision WHERE id = 1) = ?
    ORDER BY h.pos`;
  // raw SQL: a search head list (json_each over precomputed rowids) checked against the catalog revision, bench:catalog
  const res = await db.$client.execute({ sql, args: [JSON.stringify(ids), ...filterArgs, limit + 1, head.revision] });
  if (res.rows.length === 0 && (await catalogRevision(db)).revision !== head.revision) return "stale";
  const rows = res.rows.map((r) => {
    const row: Row = {};
    for (const k of summaryKeys) row[k] = r[k];
    row.sort_key = head.ranks[start + Number(r.pos)];
    return row;
  });
  return { rows, full };
}

/** Whether a window of `window` hits was filled (more hits may lie beyond it). */
async function windowFull(db: Database, fts: string, cursor: Cursor | undefined, window: number): Promise<boolean> {
  const args: InValue[] = [fts];
  const after = cursor ? ` AND ${keyset("rank", "rowid", "ASC", cursor, args)}` : "";
  args.push(window);
  // raw SQL: FTS5 MATCH window count, bench:catalog
  const res = await db.$client.execute({
    sql: `SELECT count(*) AS n FROM (SELECT rowid FROM products_fts WHERE products_fts MATCH ?${after} LIMIT ?)`,
    args,
  });
  return Number(res.rows[0].n) >= window;
}

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
    // No real image URL: the drawn one (category silhouette in the brand's colour, src/routes/demo-images.ts).
    image: (row.image as string | null) ?? demoImageUrl(String(row.parent_asin)),
  };
}
