/**
 * "Shown many times, never clicked": per caller, how often each product was shown in the feed (impression
 * events, one row per feed page with the page's product ids in `context.items`) within a window, among
 * products the caller did not engage with (click, view, cart, favorite, purchase) in the same window.
 * The ranker demotes them with `impressionPenalty`; the count is exposed to the ranker as the feature
 * `SHOWN_WITHOUT_CLICK_FEATURE` (Candidate.shownWithoutClick) for a trained weight to replace the curve.
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

/**
 * One statement per caller kind, so a prepared-statement cache keeps it. The impression rows come from
 * the (user_id, ts) / (anon_id, ts) index, newest first and capped; SQLite expands their item arrays with
 * json_each (no JSON parsed in JS), and engaged products are removed with the same index range.
 */
const countsSql = (actorColumn: "user_id" | "anon_id"): string =>
  `WITH pages AS (SELECT context FROM events WHERE ${actorColumn} = ?1 AND type = 'impression' AND ts >= ?2 ` +
  `ORDER BY ts DESC LIMIT ?3) ` +
  `SELECT j.value AS product_id, count(*) AS shown FROM pages, json_each(pages.context, '$.items') AS j ` +
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
