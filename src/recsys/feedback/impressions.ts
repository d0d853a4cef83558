import type { Database } from "../../db/database";
import type { SessionStore } from "../../ports/session-store";
import { clientExecutor, type SqlExecutor } from "../../db/sql-executor";

/**
 * "Shown many times, never clicked": per caller, how often each product was shown in the feed (impression
 * events, one row per feed page with the page's product ids in `context.items`) within a window, among
 * products the caller did not engage with (click, view, cart, favorite, purchase).
 * The ranker demotes them with `impressionPenalty`; the count is exposed to the ranker as the feature
 * `SHOWN_WITHOUT_CLICK_FEATURE` (Candidate.shownWithoutClick) for a trained weight to replace the curve.
 *
 * Hot path: the counts live in the SessionStore, one small value per caller (`ShownCounts`), updated when
 * the feed flushes its impression batch (off the request path) and read with one `get`. The event log is
 * the source of truth: a caller without a value (new, expired, or a process restarted on the in-memory
 * store) is counted once from it (`shownWithoutClickStatement`) and the value seeded. Counting from the
 * log on every request cost 1-6 ms for a heavy user (scripts/bench/feedback-signals.ts).
 */

/** Feature name under which a learned ranker may read the count (src/recsys/feed/features.ts). */
export const SHOWN_WITHOUT_CLICK_FEATURE = "shown_without_click";

export interface ImpressionWindow {
  /** How far back impressions and engagements count (default 3 days). */
  windowMs: number;
  /** Newest impression rows (feed pages) read per request: bounds the cost for heavy users (default 100). */
  maxPages: number;
  /** Counts below this are not returned (they carry no penalty; default FREE_IMPRESSIONS + 1). */
  minCount: number;
}

export const DEFAULT_IMPRESSION_WINDOW: ImpressionWindow = { windowMs: 3 * 86_400_000, maxPages: 100, minCount: 3 };

/** Most products a caller's value keeps (the most recently shown win): bounds the per-request parse. */
export const MAX_TRACKED_PRODUCTS = 200;

/**
 * Counting from the event log (the seed of `ShownCounts`). One statement per caller kind. The impression rows come from
 * the (user_id, ts) / (anon_id, ts) index, newest first and capped; SQLite expands their item arrays with
 * json_each (no JSON parsed in JS), and engaged products are removed with the same index range.
 */
// raw SQL: json_each over impression rows in SQLite (no JSON parsed in JS), bench:feedback-signals
const countsSql = (actorColumn: "user_id" | "anon_id"): string =>
  `WITH pages AS (SELECT context, ts FROM events WHERE ${actorColumn} = ?1 AND type = 'impression' AND ts >= ?2 ` +
  `ORDER BY ts DESC LIMIT ?3) ` +
  `SELECT j.value AS product_id, count(*) AS shown, max(pages.ts) AS last_shown ` +
  `FROM pages, json_each(pages.context, '$.items') AS j ` +
  `WHERE j.value NOT IN (SELECT parent_asin FROM events WHERE ${actorColumn} = ?1 AND ts >= ?2 ` +
  `AND type IN ('click', 'view', 'cart_add', 'favorite', 'purchase') AND parent_asin IS NOT NULL) ` +
  `GROUP BY j.value HAVING count(*) >= ?4`;

export const USER_SHOWN_SQL = countsSql("user_id");
export const SESSION_SHOWN_SQL = countsSql("anon_id");

/**
 * Statement counting a caller's unclicked impressions: by user for a signed-in caller (every session and
 * device), else by the anonymous session.
 */
export function shownWithoutClickStatement(
  caller: { userId: string | null; sessionId: string | null },
  now: number,
  w: ImpressionWindow = DEFAULT_IMPRESSION_WINDOW,
): { sql: string; args: (string | number)[] } | null {
  const actor = caller.userId ?? caller.sessionId;
  if (!actor) return null;
  return {
    sql: caller.userId ? USER_SHOWN_SQL : SESSION_SHOWN_SQL,
    args: [actor, now - w.windowMs, w.maxPages, w.minCount],
  };
}

/** Impressions without a click that cost nothing: an item may simply not have been looked at yet. */
export const FREE_IMPRESSIONS = 2;
/** Counts past this add no further penalty (the demotion has done its work). */
export const MAX_COUNTED_IMPRESSIONS = 32;

/**
 * Logit penalty for an item shown `n` times without a click: 0 up to FREE_IMPRESSIONS, then
 * ln(n / FREE_IMPRESSIONS), capped at n = MAX_COUNTED_IMPRESSIONS. Subtracted from a logistic ranker's
 * logit it divides the odds of a click by n / 2: shown 4 times -> odds / 2, 10 times -> / 5, 32+ -> / 16.
 */
export function impressionPenalty(n: number): number {
  if (!(n > FREE_IMPRESSIONS)) return 0;
  return Math.log(Math.min(n, MAX_COUNTED_IMPRESSIONS) / FREE_IMPRESSIONS);
}

/** Ranked candidates with the count set and the penalty applied to their score, re-sorted (ties: item index). */
export function demoteUnclicked<C extends { item: number; score: number; shownWithoutClick?: number }>(
  ranked: C[],
  shown: ReadonlyMap<number, number>,
): C[] {
  if (shown.size === 0) return ranked;
  let changed = false;
  for (const c of ranked) {
    const n = shown.get(c.item);
    if (n === undefined) continue;
    c.shownWithoutClick = n;
    const p = impressionPenalty(n);
    if (p > 0) {
      c.score -= p;
      changed = true;
    }
  }
  return changed ? ranked.sort((a, b) => b.score - a.score || a.item - b.item) : ranked;
}

/** SessionStore key of a caller's counts: by user when signed in (every device), else by session. */
export const shownKey = (caller: { userId: string | null; sessionId: string | null }): string | null =>
  caller.userId ? `shown:u:${caller.userId}` : caller.sessionId ? `shown:s:${caller.sessionId}` : null;

/**
 * The hot path's value: only the counts at or past `minCount` (usually a handful), written with the full
 * value so that a request parses a few entries, not the up to MAX_TRACKED_PRODUCTS the flush keeps.
 */
const demoteKey = (shown: string): string => `demote:${shown.slice("shown:".length)}`;

/** productId -> [times shown, last shown (unix ms)]. */
type ShownValue = Record<string, [number, number]>;

function parseShown(raw: string, key: string): ShownValue {
  const v: unknown = JSON.parse(raw);
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error(`${key}: malformed shown counts`);
  for (const e of Object.values(v)) {
    if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== "number" || typeof e[1] !== "number")
      throw new Error(`${key}: malformed shown counts`);
  }
  return v as ShownValue;
}

/** One feed page's impressions, as the feed logs them. */
export interface ShownPage {
  userId: string | null;
  sessionId: string | null;
  ts: number;
  items: readonly string[];
}

/**
 * Per-caller unclicked-impression counts in the SessionStore (see the file comment). Engagement is handled
 * by the reader: the feed skips the penalty for items in the caller's history (what they viewed, clicked,
 * carted, favourited or bought), and the seed from the log leaves engaged items out.
 */
export class ShownCounts {
  constructor(
    db: Database,
    private readonly sessions: SessionStore,
    private readonly now: () => number,
    private readonly window: ImpressionWindow = DEFAULT_IMPRESSION_WINDOW,
    /** Runs the seed count (Node: the hot-path executor, statement kept prepared); default the app's client. */
    private readonly sql: SqlExecutor = clientExecutor(db.$client),
  ) {}

  /** Products shown at least `minCount` times in the window: product -> times shown. */
  async read(caller: { userId: string | null; sessionId: string | null }): Promise<Map<string, number>> {
    const key = shownKey(caller);
    const out = new Map<string, number>();
    if (!key) return out;
    const raw = await this.sessions.get(demoteKey(key));
    const value = raw === null ? await this.seed(caller, key) : parseShown(raw, key);
    const since = this.now() - this.window.windowMs;
    for (const pid in value) {
      const [n, last] = value[pid];
      if (n >= this.window.minCount && last >= since) out.set(pid, n);
    }
    return out;
  }

  /** Adds flushed feed pages to their callers' counts (read-modify-write per caller; see `ShownCounts`). */
  async add(pages: readonly ShownPage[]): Promise<void> {
    const byKey = new Map<string, ShownPage[]>();
    for (const p of pages) {
      const key = shownKey(p);
      if (!key) continue;
      let list = byKey.get(key);
      if (!list) byKey.set(key, (list = []));
      list.push(p);
    }
    await Promise.all(
      [...byKey].map(async ([key, list]) => {
        const raw = await this.sessions.get(key);
        // No value yet: seed from the log, which already holds these pages (they were flushed first).
        if (raw === null) return void (await this.seed(list[0], key));
        const value = parseShown(raw, key);
        for (const p of list)
          for (const pid of p.items) {
            const e = value[pid];
            value[pid] = e ? [e[0] + 1, Math.max(e[1], p.ts)] : [1, p.ts];
          }
        await this.store(key, value);
      }),
    );
  }

  /** Counts the caller's window from the event log once, and keeps them. */
  private async seed(caller: { userId: string | null; sessionId: string | null }, key: string): Promise<ShownValue> {
    const stmt = shownWithoutClickStatement(caller, this.now(), { ...this.window, minCount: 1 });
    const value: ShownValue = {};
    if (stmt) {
      // Columns: product_id, shown, last_shown (countsSql). A new visitor's seed finds nothing: one index probe.
      for (const r of await this.sql.all(stmt)) value[String(r[0])] = [Number(r[1]), Number(r[2])];
    }
    await this.store(key, value);
    return value;
  }

  /** Writes the full value and the hot one in one pass (this runs for every flushed feed page). */
  private async store(key: string, value: ShownValue): Promise<void> {
    const since = this.now() - this.window.windowMs;
    let pids = Object.keys(value);
    if (pids.length > MAX_TRACKED_PRODUCTS)
      pids = pids
        .filter((p) => value[p][1] >= since)
        .sort((a, b) => value[b][1] - value[a][1] || value[b][0] - value[a][0])
        .slice(0, MAX_TRACKED_PRODUCTS);
    let full = "";
    let demote = "";
    for (const pid of pids) {
      const [n, last] = value[pid];
      if (last < since) continue;
      const entry = `${JSON.stringify(pid)}:[${n},${last}]`;
      full += full ? `,${entry}` : entry;
      if (n >= this.window.minCount) demote += demote ? `,${entry}` : entry;
    }
    const ttl = Math.ceil(this.window.windowMs / 1000);
    // The full value first: a reader that finds the hot value can rely on the full one being there.
    await this.sessions.set(key, `{${full}}`, ttl);
    await this.sessions.set(demoteKey(key), `{${demote}}`, ttl);
  }
}
