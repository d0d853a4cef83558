/**
 * The segments every report breaks results down by (issue 19): users by history length (what a serving blend
 * can see at query time) and target items by whether training ever saw them (what only the evaluation knows).
 * Pure module: the hybrid uses the same user segments to learn its per-segment weights.
 */

/** Histories of 1..SHORT_HISTORY_MAX items are "short", longer ones "long". */
export const SHORT_HISTORY_MAX = 4;
export const USER_SEGMENTS = ["no-history", "short-history", "long-history"] as const;
export const ITEM_SEGMENTS = ["cold-item", "warm-item"] as const;
export const SEGMENTS = [...USER_SEGMENTS, ...ITEM_SEGMENTS] as const;
export type UserSegment = (typeof USER_SEGMENTS)[number];
export type Segment = (typeof SEGMENTS)[number];

/** History-length bucket bounds that make the hybrid's buckets exactly the user segments. */
export const USER_SEGMENT_BOUNDS: readonly number[] = [0, SHORT_HISTORY_MAX];

/** User segment of a query by its history length. */
export function userSegment(historyLength: number): UserSegment {
  if (historyLength === 0) return "no-history";
  return historyLength <= SHORT_HISTORY_MAX ? "short-history" : "long-history";
}
