import type { Candidate } from "./candidates";

/** Item sets a candidate must not be in, by the reason it is removed (counts are reported per reason). */
export interface Exclusions {
  /** Already in the history (viewed, carted, favourited). */
  seen: ReadonlySet<number>;
  /** Hidden or "not interested". */
  negative: ReadonlySet<number>;
  bought: ReadonlySet<number>;
  /** Products the user sells. */
  own: ReadonlySet<number>;
  /** Listed, but every listing sold, reserved or withdrawn. */
  unavailable: ReadonlySet<number>;
}

export const FILTER_REASONS = ["seen", "negative", "bought", "own", "unavailable"] as const;
export type FilterReason = (typeof FILTER_REASONS)[number];

/** Drops excluded candidates (duplicates were merged in mergeSources). Keeps order. */
export function filterCandidates(
  cands: readonly Candidate[],
  ex: Exclusions,
): { kept: Candidate[]; removed: Record<FilterReason, number> } {
  const removed: Record<FilterReason, number> = { seen: 0, negative: 0, bought: 0, own: 0, unavailable: 0 };
  const kept: Candidate[] = [];
  for (const c of cands) {
    const reason = FILTER_REASONS.find((r) => ex[r].has(c.item));
    if (reason) removed[reason]++;
    else kept.push(c);
  }
  return { kept, removed };
}

/** Union of every exclusion set: what recall sources should not spend their budget on. */
export function allExcluded(ex: Exclusions): Set<number> {
  const out = new Set<number>();
  for (const r of FILTER_REASONS) for (const i of ex[r]) out.add(i);
  return out;
}
