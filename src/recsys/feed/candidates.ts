/** Recall sources, in the fixed order the ranker's features use. */
export const SOURCES = ["vector", "covisitation", "session_knn", "trending", "bought_together", "fresh"] as const;
export type SourceName = (typeof SOURCES)[number];
export const SOURCE_INDEX: Record<SourceName, number> = Object.fromEntries(SOURCES.map((s, i) => [s, i])) as Record<SourceName, number>;

/** What one recall source returns: items best first with the source's own score. */
export interface SourceResult {
  source: SourceName;
  items: Int32Array;
  scores: Float32Array;
  /** For reasons: the history item that led to each candidate (-1 when none). */
  anchors?: Int32Array;
}

/** A candidate after merging sources: per-source score and rank (-1 = not recalled by that source). */
export interface Candidate {
  item: number;
  scores: Float32Array;
  ranks: Int32Array;
  /** Best-ranked source's anchor item, for the reason text. */
  anchor: number;
  anchorSource: SourceName | null;
  score: number;
}

/** Union of source results, deduplicated by item (the "duplicates across sources" filter lives here). */
export function mergeSources(results: readonly SourceResult[]): Candidate[] {
  const byItem = new Map<number, Candidate>();
  for (const r of results) {
    const s = SOURCE_INDEX[r.source];
    for (let j = 0; j < r.items.length; j++) {
      const item = r.items[j];
      let c = byItem.get(item);
      if (!c) {
        c = { item, scores: new Float32Array(SOURCES.length), ranks: new Int32Array(SOURCES.length).fill(-1), anchor: -1, anchorSource: null, score: 0 };
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
