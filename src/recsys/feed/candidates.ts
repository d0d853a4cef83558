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

/**
 * Neighbour sources (SOURCES order): their recall is evidence only through a history item (the anchor). A
 * vector hit without a positive term for any history item is a filler, not a similarity worth naming.
 */
const NEEDS_ANCHOR: readonly boolean[] = SOURCES.map(
  (s) => s === "vector" || s === "covisitation" || s === "bought_together",
);

/**
 * Index (SOURCES order) of the source that explains a candidate: the best-ranked (ties: SOURCES order) of
 * the sources with evidence for it (a signal source, or a neighbour source with an anchor); when none has,
 * the best-ranked overall. -1 when no source recalled it. Without `anchors` (hand-built), the best-ranked.
 */
export function leadSourceIndex(c: Pick<Candidate, "ranks" | "anchors">): number {
  let best = -1;
  let bestRank = Infinity;
  let bestAny = -1;
  let bestAnyRank = Infinity;
  for (let k = 0; k < SOURCES.length; k++) {
    const r = c.ranks[k];
    if (r < 0) continue;
    if (r < bestAnyRank) {
      bestAnyRank = r;
      bestAny = k;
    }
    if (r < bestRank && (!NEEDS_ANCHOR[k] || !c.anchors || c.anchors[k] >= 0)) {
      bestRank = r;
      best = k;
    }
  }
  return best >= 0 ? best : bestAny;
}

/** Sources that recalled a candidate, in SOURCES order. */
export function sourcesOf(c: Candidate): SourceName[] {
  return SOURCES.filter((_, s) => c.ranks[s] >= 0);
}
