import type { Database } from "../db/database";
import { errorMessage, type Log } from "../ports/logger";
import { CONDITION_SCORE } from "./feed/features";
import type { ListingCondition, ListingState, ListingSummary } from "./ports";

const CONDITIONS = new Set<string>(Object.keys(CONDITION_SCORE));

/** One listings row, as both the SQL path and the cache see it. */
export interface ListingRow {
  id: string;
  productId: string;
  sellerId: string;
  condition: string;
  priceMinor: number;
  currency: string;
  createdAt: number;
  updatedAt: number;
  status: string;
}

/**
 * Best active listing per product (best condition, then cheapest, then newest; never `excludeSellerId`'s)
 * and the products that have listings but none active. One function for the SQL and the cached path, so
 * both answer the same question the same way.
 */
export function summariseListings(rows: readonly ListingRow[], excludeSellerId: string | null): ListingState {
  const best = new Map<string, ListingSummary>();
  const unavailable = new Set<string>();
  const active = new Set<string>();
  for (const r of rows) {
    if (r.status !== "active") {
      unavailable.add(r.productId);
      continue;
    }
    active.add(r.productId);
    if (!CONDITIONS.has(r.condition) || (excludeSellerId !== null && r.sellerId === excludeSellerId)) continue;
    const l: ListingSummary = {
      id: r.id,
      productId: r.productId,
      sellerId: r.sellerId,
      condition: r.condition as ListingCondition,
      price: r.priceMinor / 100,
      currency: r.currency,
      listedAt: r.createdAt,
    };
    const cur = best.get(r.productId);
    if (
      !cur ||
      CONDITION_SCORE[l.condition] > CONDITION_SCORE[cur.condition] ||
      (CONDITION_SCORE[l.condition] === CONDITION_SCORE[cur.condition] &&
        (l.price < cur.price || (l.price === cur.price && l.listedAt > cur.listedAt)))
    ) {
      best.set(r.productId, l);
    }
  }
  for (const p of active) unavailable.delete(p);
  return { best, unavailable };
}

const COLUMNS = "id, parent_asin, seller_id, condition, price_minor, currency, created_at, updated_at, status";

/**
 * The listing rows of a query as ONE cell: a JSON array of [id, parent_asin, seller_id, condition,
 * price_minor, currency, created_at, updated_at, status] arrays. The libSQL client builds every result cell
 * with two Object.defineProperty calls (about 1 µs each, measured: 25 rows x 9 columns cost 290 µs against
 * 140 µs for the same rows as one JSON cell plus JSON.parse), and the listing reads are on every page.
 */
export const ROWS_AS_JSON = `json_group_array(json_array(${COLUMNS}))`;

/** Parses a ROWS_AS_JSON cell. */
export function rowsFromJson(cell: unknown): ListingRow[] {
  if (typeof cell !== "string") return [];
  const raw = JSON.parse(cell) as unknown[][];
  const out: ListingRow[] = new Array<ListingRow>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i];
    out[i] = {
      id: String(r[0]),
      productId: String(r[1]),
      sellerId: String(r[2]),
      condition: String(r[3]),
      priceMinor: Number(r[4]),
      currency: String(r[5]),
      createdAt: Number(r[6]),
      updatedAt: Number(r[7]),
      status: String(r[8]),
    };
  }
  return out;
}

/**
 * Every listing in memory, keyed by product, refreshed incrementally by `updated_at` (every writer of the
 * listings table sets it: create, edit, checkout's sale). A refresh is started by a request once the last
 * one is older than `refreshMs`; requests do not wait for it (only for the first full load), so the cache
 * can be that stale: callers use it to filter and rank candidates, and re-check what they show.
 */
export class ListingCache {
  readonly byProduct = new Map<string, Map<string, ListingRow>>();
  private productOf = new Map<string, string>();
  private watermark = -1;
  /** Rows at or above the watermark when it was last read (the refresh probe compares against it). */
  private atWatermark = -1;
  private loadedAt = -Infinity;
  private loading: Promise<void> | null = null;
  private loaded = false;

  /** `refreshMs` is wall time (performance.now), not the app clock: tests freeze that one. */
  constructor(
    private readonly db: Database,
    private readonly refreshMs: number,
    private readonly log: Log,
  ) {}

  async ensureLoaded(): Promise<void> {
    if (this.loading === null && performance.now() - this.loadedAt >= this.refreshMs) {
      const run = this.refresh().finally(() => (this.loading = null));
      this.loading = run;
      // A background refresh that fails keeps the last state (shown items are re-checked anyway) and is
      // retried after refreshMs; it must not become an unhandled rejection.
      if (this.loaded)
        run.catch((err: unknown) =>
          this.log("listing cache refresh failed", { level: "warn", error: errorMessage(err) }),
        );
    }
    // Only the first load is awaited (its error is the request's); later refreshes run in the background.
    if (!this.loaded && this.loading) await this.loading;
  }

  /**
   * Applies rows changed since the watermark (`>=`: a write in the same ms as the last seen one is re-read).
   * A count/max probe first: when no row was written after the watermark and as many rows sit at or above
   * it as last time, nothing is re-read (without it every refresh re-read every row sharing the newest
   * timestamp: all 1 500 in the bench, 9 ms a second). What the probe cannot see (a row rewritten within the
   * watermark's own millisecond) is caught when the row is about to be shown: shown items are re-read.
   */
  async refresh(): Promise<void> {
    const started = performance.now();
    if (this.watermark >= 0) {
      // raw SQL: the cache's cheap change probe on the serving hot path (docs/recsys.md), bench:serve
      const probe = await this.db.$client.execute({
        sql: "SELECT count(*) AS n, max(updated_at) AS m FROM listings WHERE updated_at >= ?",
        args: [this.watermark],
      });
      const n = Number(probe.rows[0]?.n ?? 0);
      const m = probe.rows[0]?.m;
      if (n === this.atWatermark && (m === null || m === undefined || Number(m) === this.watermark)) {
        this.loadedAt = started;
        return;
      }
    }
    // raw SQL: rows as one JSON cell (json_group_array; per-cell decoding cost measured above), bench:serve
    const res =
      this.watermark < 0
        ? await this.db.$client.execute({ sql: `SELECT ${ROWS_AS_JSON} AS j FROM listings`, args: [] })
        : await this.db.$client.execute({
            sql: `SELECT ${ROWS_AS_JSON} AS j FROM listings WHERE updated_at >= ?`,
            args: [this.watermark],
          });
    const rows = rowsFromJson(res.rows[0]?.j);
    for (const r of rows) this.upsert(r);
    if (this.watermark < 0) this.watermark = 0;
    let at = 0;
    for (const r of rows) if (r.updatedAt >= this.watermark) at++;
    this.atWatermark = at;
    this.loadedAt = started;
    this.loaded = true;
  }

  /**
   * Write-back of an authoritative read (every listing of `productIds`): a change the watermark cannot see
   * (a write that did not set updated_at) is still learnt the first time such an item is about to be shown.
   */
  replaceProducts(productIds: readonly string[], rows: readonly ListingRow[]): void {
    if (!this.loaded) return;
    const present = new Set(rows.map((r) => r.id));
    for (const p of productIds) {
      // Listings gone from the table (deleted) go from the cache too.
      const m = this.byProduct.get(p);
      if (!m) continue;
      for (const id of [...m.keys()]) {
        if (present.has(id)) continue;
        m.delete(id);
        this.productOf.delete(id);
      }
    }
    for (const r of rows) this.upsert(r, false);
  }

  private upsert(r: ListingRow, advance = true): void {
    const prev = this.productOf.get(r.id);
    if (prev !== undefined) {
      const old = this.byProduct.get(prev)?.get(r.id);
      // Reads can complete out of order: never replace a row with an older version of itself.
      if (old && old.updatedAt > r.updatedAt) return;
      if (prev !== r.productId) this.byProduct.get(prev)?.delete(r.id);
    }
    this.productOf.set(r.id, r.productId);
    let m = this.byProduct.get(r.productId);
    if (!m) this.byProduct.set(r.productId, (m = new Map()));
    m.set(r.id, r);
    // Only the incremental query advances the watermark: a write-back must not skip rows not yet polled.
    if (advance && r.updatedAt > this.watermark) this.watermark = r.updatedAt;
  }
}
