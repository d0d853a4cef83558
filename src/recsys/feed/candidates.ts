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
  /** For reasons: the history item that led to each candidate (-1 when none). */
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
  /** Best-ranked source's anchor item, for the reason text. */
  anchor: number;
  anchorSource: SourceName | null;
  score: number;
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
          anchor: -1,
          anchorSource: null,
          score: 0,
        };
        byItem.set(item, c);
      }
      if (c.ranks[s] === -1 || j < c.ranks[s]) {
        c.ranks[s] = j;
        c.scores[s] = r.scores[j];
      }
      const anchor = r.anchors?.[j] ?? -1;
      if (anchor >= 0 && c.anchor < 0) {
        c.anchor = anchor;
        c.anchorSource = r.source;
      }
    }
  }
  return [...byItem.values()];
}

/** Sources that recalled a candidate, in SOURCES order. */
export function sourcesOf(c: Candidate): SourceName[] {
  return SOURCES.filter((_, s) => c.ranks[s] >= 0);
}
