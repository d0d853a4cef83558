/** Recall sources, in the fixed order the ranker's features use. */
export const SOURCES = ["vector", "covisitation", "session_knn", "trending", "bought_together", "fresh"] as const;
export type SourceName = (typeof SOURCES)[number];
export const SOURCE_INDEX: Record<SourceName, number> = Object.fromEntries(SOURCES.map((s, i) => [s, i])) as Record<
  SourceName,
  number
>;

/** What one recall source returns: items best first with the source's own score. */
export interface SourceResult {
  source: SourceName;
  items: Int32Array;
  scores: Float32Array;
  /**
   * Provenance, for reasons: the history item through which this source recalled each candidate (its
   * co-visitation / bought-together / vector neighbour, the largest term of its vector score), -1 when the
   * source recalls from a signal rather than one item (trending, fresh listings, similar sessions).
   */
  anchors?: Int32Array;
}

/**
 * A candidate after merging sources: per-source score and rank (-1 = not recalled by that source), indexed
 * by SOURCES order. mergeSources fills plain arrays: a typed array costs an ArrayBuffer and a runtime call
 * each, and two per candidate (~300 per feed request) were the largest allocation of the request path.
 * The scores are the sources' Float32 values, so the numbers are the same as with Float32Array storage.
 */
export interface Candidate {
  item: number;
  scores: Float32Array | number[];
  ranks: Int32Array | number[];
  /**
   * Per source (SOURCES order), the history item through which it recalled this candidate (-1 = none):
   * the candidate's provenance. Absent on hand-built candidates (tests), which then have no anchor.
   */
  anchors?: number[];
  /** The lead source's anchor (see reasons.ts leadSource), for the reason text; -1 when it has none. */
  anchor: number;
  /** The lead source when `anchor` is set, else null: a reason never pairs one source with another's anchor. */
  anchorSource: SourceName | null;
  score: number;
  /** Times shown to this caller without a click in the window, when known (feedback/impressions.ts). */
  shownWithoutClick?: number;
}

/** Union of source results, deduplicated by item (the "duplicates across sources" filter lives here). */
// mergeSources writes per-source arrays as 6-element literals.
if (SOURCES.length !== 6) throw new Error("candidates.ts: SOURCES changed length; update mergeSources' literals");

export function mergeSources(results: readonly SourceResult[]): Candidate[] {
  const byItem = new Map<number, Candidate>();
  for (const r of results) {
    const s = SOURCE_INDEX[r.source];
    for (let j = 0; j < r.items.length; j++) {
      const item = r.items[j];
      let c = byItem.get(item);
      if (!c) {
        // Literal arrays of SOURCES.length (6): allocated inline by V8, unlike typed arrays.
        c = {
          item,
          scores: [0, 0, 0, 0, 0, 0],
          ranks: [-1, -1, -1, -1, -1, -1],
          anchors: [-1, -1, -1, -1, -1, -1],
          anchor: -1,
          anchorSource: null,
          score: 0,
        };
        byItem.set(item, c);
      }
      if (c.ranks[s] === -1 || j < c.ranks[s]) {
        c.ranks[s] = j;
        c.scores[s] = r.scores[j];
        (c.anchors as number[])[s] = r.anchors?.[j] ?? -1;
      }
    }
  }
  const out = [...byItem.values()];
  // The reason's anchor is the lead source's own (not the first anchor any source gave): a candidate led by
  // trending never borrows the vector source's history item.
  for (const c of out) {
    const lead = leadSourceIndex(c);
    const anchor = lead >= 0 ? (c.anchors as number[])[lead] : -1;
    if (anchor >= 0) {
      c.anchor = anchor;
      c.anchorSource = SOURCES[lead];
    }
  }
  return out;
}

/** Index (SOURCES order) of the source that ranked a candidate highest (ties: SOURCES order); -1 when none. */
export function leadSourceIndex(c: Pick<Candidate, "ranks">): number {
  let best = -1;
  let bestRank = Infinity;
  for (let k = 0; k < SOURCES.length; k++) {
    if (c.ranks[k] >= 0 && c.ranks[k] < bestRank) {
      bestRank = c.ranks[k];
      best = k;
    }
  }
  return best;
}

/** Sources that recalled a candidate, in SOURCES order. */
export function sourcesOf(c: Candidate): SourceName[] {
  return SOURCES.filter((_, s) => c.ranks[s] >= 0);
}
