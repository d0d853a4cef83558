import type { ModelArtifact, Sequence } from "../../../ml/core/recommender.js";
import { CovisitationRecommender } from "../../../ml/models/covisitation.js";
import type { NeighbourLists } from "../../../ml/models/neighbours.js";

const DAY_MS = 86_400_000;

/**
 * Incremental updates of the count models. Each produces exactly what a full fit on the extended data
 * produces (the learner's tests compare them), so an incremental version is as good as a retrain:
 *
 * - popularity: decayed counts (Float64, kept in the artifact as `counts` next to the served `scores`) are
 *   decayed to the new latest timestamp and the new events added: O(items + new events).
 * - co-visitation: a row's weights depend only on the pairs its item takes part in, so only the rows of items
 *   within `window` positions of a new event are recomputed from the sequences; every other row is copied
 *   from the previous version.
 */

/** Decayed counts exactly as PopularityRecommender.fit computes them. */
export function popularityCounts(
  sequences: readonly Sequence[],
  numItems: number,
  halfLifeDays: number,
): { counts: Float64Array; asOf: number } {
  const counts = new Float64Array(numItems);
  const end = latest(sequences);
  const halfLifeMs = halfLifeDays * DAY_MS;
  for (const s of sequences)
    for (let j = 0; j < s.items.length; j++) counts[s.items[j]] += decay(end, s.timestamps[j], halfLifeMs);
  return { counts, asOf: end };
}

/** Folds new interactions into counts decayed to `asOf`; returns the new `asOf` (the latest timestamp seen). */
export function foldPopularity(
  counts: Float64Array,
  asOf: number,
  added: readonly { item: number; ts: number }[],
  halfLifeDays: number,
): number {
  const halfLifeMs = halfLifeDays * DAY_MS;
  let end = asOf;
  for (const e of added) if (e.ts > end) end = e.ts;
  if (end > asOf && asOf > 0 && halfLifeMs > 0) {
    const f = 2 ** (-(end - asOf) / halfLifeMs);
    for (let i = 0; i < counts.length; i++) counts[i] *= f;
  }
  for (const e of added) counts[e.item] += decay(end, e.ts, halfLifeMs);
  return end;
}

/** The popularity artifact serving reads (`scores` = log1p(count)), plus the counts the next fold starts from. */
export function popularityArtifact(
  counts: Float64Array,
  asOf: number,
  itemIds: string[],
  halfLifeDays: number,
): ModelArtifact {
  return {
    model: "popularity",
    params: { halfLifeDays, asOf },
    blobs: { scores: Float32Array.from(counts, (c) => Math.log1p(c)), counts: Float64Array.from(counts) },
    itemIds,
  };
}

function decay(end: number, t: number, halfLifeMs: number): number {
  return end > 0 && t > 0 && halfLifeMs > 0 ? 2 ** (-(end - t) / halfLifeMs) : 1;
}

function latest(sequences: readonly Sequence[]): number {
  let end = 0;
  for (const s of sequences) for (const t of s.timestamps) if (t > end) end = t;
  return end;
}

/** Co-visitation parameters the row refit reproduces exactly (no recency decay, no popularity damping). */
export function covisRefitSupported(params: Record<string, unknown>): boolean {
  return Number(params.halfLifeDays ?? 0) === 0 && Number(params.alpha ?? 0) === 0;
}

/**
 * A co-visitation artifact with the rows of `rows` recomputed from `sequences` and every other row copied
 * from `base` (same item indexing as `sequences`), the prior recomputed from all occurrences. Equal to
 * CovisitationRecommender.fit on the same sequences when `rows` holds every item whose pairs changed.
 */
export function refitCovisRows(
  base: ModelArtifact,
  sequences: readonly Sequence[],
  rows: ReadonlySet<number>,
  numItems: number,
): ModelArtifact {
  const params = CovisitationRecommender.load(base).params;
  if (!covisRefitSupported(params)) throw new Error("covisitation: row refit needs halfLifeDays = 0 and alpha = 0");
  const prev = CovisitationRecommender.load(base).neighbours();
  if (prev.offsets.length !== numItems + 1) throw new Error("covisitation: base artifact has another item count");
  const { window, forward, backward, positionExponent, neighbours: k, priorWeight } = params;
  // Postings of the refit rows only, in the order the full fit visits them (sequence, then position).
  const postings = new Map<number, number[]>();
  for (const a of rows) postings.set(a, []);
  const occurrences = new Int32Array(numItems);
  sequences.forEach((s, si) => {
    for (let j = 0; j < s.items.length; j++) {
      const a = s.items[j];
      occurrences[a]++;
      postings.get(a)?.push(si, j);
    }
  });
  const posWeight = new Float64Array(window + 1);
  for (let d = 1; d <= window; d++) posWeight[d] = d ** -positionExponent;
  const acc = new Float64Array(numItems);
  const fresh = new Map<number, { ids: number[]; weights: number[] }>();
  for (const [a, post] of postings) {
    const touched: number[] = [];
    for (let c = 0; c < post.length; c += 2) {
      const s = sequences[post[c]];
      const pos = post[c + 1];
      const lo = Math.max(0, pos - window);
      const hi = Math.min(s.items.length - 1, pos + window);
      for (let q = lo; q <= hi; q++) {
        const b = s.items[q];
        if (q === pos || b === a) continue;
        const d = q - pos;
        const w = (d > 0 ? forward : backward) * posWeight[Math.abs(d)] * 1;
        if (acc[b] === 0) touched.push(b);
        acc[b] += w;
      }
    }
    let mass = 0;
    for (const b of touched) mass += acc[b];
    const scored: { b: number; w: number }[] = [];
    for (const b of touched) {
      if (acc[b] !== 0) {
        const w = acc[b] / mass / 1;
        if (w > 0) scored.push({ b, w });
      }
      acc[b] = 0;
    }
    scored.sort((x, y) => y.w - x.w || x.b - y.b);
    const lim = Math.min(k, scored.length);
    fresh.set(a, { ids: scored.slice(0, lim).map((x) => x.b), weights: scored.slice(0, lim).map((x) => x.w) });
  }
  const lists = spliceRows(prev, fresh, numItems);
  let maxCount = 1;
  for (const c of occurrences) if (c > maxCount) maxCount = c;
  const maxLog = Math.log1p(maxCount);
  const prior = Float32Array.from(occurrences, (c) => (priorWeight * Math.log1p(c)) / maxLog);
  return {
    model: "covisitation",
    params: { ...params },
    blobs: { offsets: lists.offsets, neighbours: lists.ids, weights: lists.weights, prior },
    itemIds: base.itemIds,
  };
}

function spliceRows(
  prev: NeighbourLists,
  fresh: ReadonlyMap<number, { ids: number[]; weights: number[] }>,
  numItems: number,
): NeighbourLists {
  const offsets = new Int32Array(numItems + 1);
  for (let a = 0; a < numItems; a++) {
    const row = fresh.get(a);
    offsets[a + 1] = offsets[a] + (row ? row.ids.length : prev.offsets[a + 1] - prev.offsets[a]);
  }
  const ids = new Int32Array(offsets[numItems]);
  const weights = new Float32Array(offsets[numItems]);
  for (let a = 0; a < numItems; a++) {
    const row = fresh.get(a);
    if (row) {
      ids.set(row.ids, offsets[a]);
      weights.set(row.weights, offsets[a]);
    } else {
      ids.set(prev.ids.subarray(prev.offsets[a], prev.offsets[a + 1]), offsets[a]);
      weights.set(prev.weights.subarray(prev.offsets[a], prev.offsets[a + 1]), offsets[a]);
    }
  }
  return { offsets, ids, weights };
}

/** Items whose co-visitation rows a new event at `position` of `items` changes: those within `window` of it. */
export function rowsAround(items: readonly number[], position: number, window: number, into: Set<number>): void {
  const lo = Math.max(0, position - window);
  const hi = Math.min(items.length - 1, position + window);
  for (let q = lo; q <= hi; q++) into.add(items[q]);
}
