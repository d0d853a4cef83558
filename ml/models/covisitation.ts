import type { FitOptions, ModelArtifact, Query, Recommender, TrainData } from "../core/recommender.js";
import { assertFitted, blob, gather, latestTimestamp, numberParam, recentHistory } from "./common.js";
import { buildNeighbourLists, type NeighbourLists } from "./neighbours.js";

const DAY_MS = 86_400_000;

/**
 * Item-to-item co-visitation with sequence position and recency weighting.
 *
 * Training: within each sequence, every pair of items at most `window` steps apart adds
 * `direction * distance^-positionExponent * recency`, where direction is `forward` for "b came after a" and
 * `backward` otherwise (what follows an item predicts the next item better than what preceded it), and
 * recency halves every `halfLifeDays` before the latest training event. Each source item's row is turned
 * into a conditional distribution and damped by target popularity^alpha, then cut to the top `neighbours`.
 *
 * Scoring: the last `maxHistory` items vote with weight `historyDecay^stepsFromEnd`, plus a small
 * popularity prior so that items without co-visitation evidence are still ordered sensibly.
 */
export class CovisitationRecommender implements Recommender {
  readonly name = "covisitation";
  readonly params: Record<string, number>;
  private lists: NeighbourLists = { offsets: new Int32Array(1), ids: new Int32Array(0), weights: new Float32Array(0) };
  private prior = new Float32Array(0);
  private itemIds: string[] = [];
  private fitted = false;

  constructor(params: Record<string, unknown> = {}) {
    this.params = {
      window: numberParam(params, "window", 15),
      forward: numberParam(params, "forward", 1),
      backward: numberParam(params, "backward", 0.2),
      positionExponent: numberParam(params, "positionExponent", 1),
      halfLifeDays: numberParam(params, "halfLifeDays", 0),
      alpha: numberParam(params, "alpha", 0),
      neighbours: numberParam(params, "neighbours", 200),
      maxHistory: numberParam(params, "maxHistory", 30),
      historyDecay: numberParam(params, "historyDecay", 0.9),
      priorWeight: numberParam(params, "priorWeight", 0.001),
    };
  }

  async fit(data: TrainData, options: FitOptions): Promise<void> {
    const p = this.params;
    const n = data.numItems;
    const end = latestTimestamp(data.sequences);
    const halfLifeMs = p.halfLifeDays * DAY_MS;
    // Postings: every (sequence, position) where an item occurs.
    const counts = new Int32Array(n);
    for (const s of data.sequences) for (const i of s.items) counts[i]++;
    const postOff = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) postOff[i + 1] = postOff[i] + counts[i];
    const postSeq = new Int32Array(postOff[n]);
    const postPos = new Int32Array(postOff[n]);
    const cursor = postOff.slice(0, n);
    data.sequences.forEach((s, si) => {
      for (let j = 0; j < s.items.length; j++) {
        const c = cursor[s.items[j]]++;
        postSeq[c] = si;
        postPos[c] = j;
      }
    });
    const posWeight = new Float64Array(p.window + 1);
    for (let d = 1; d <= p.window; d++) posWeight[d] = d ** -p.positionExponent;
    const recency = (t: number): number => (halfLifeMs > 0 && end > 0 && t > 0 ? 2 ** (-(end - t) / halfLifeMs) : 1);
    const rowMass = new Float64Array(n);
    const fill = (a: number, acc: Float64Array, touched: number[]): void => {
      for (let c = postOff[a]; c < postOff[a + 1]; c++) {
        const s = data.sequences[postSeq[c]];
        const pos = postPos[c];
        const lo = Math.max(0, pos - p.window);
        const hi = Math.min(s.items.length - 1, pos + p.window);
        for (let q = lo; q <= hi; q++) {
          const b = s.items[q];
          if (q === pos || b === a) continue;
          const d = q - pos;
          const w = (d > 0 ? p.forward : p.backward) * posWeight[Math.abs(d)] * recency(s.timestamps[Math.max(q, pos)]);
          if (acc[b] === 0) touched.push(b);
          acc[b] += w;
        }
      }
      let mass = 0;
      for (const b of touched) mass += acc[b];
      rowMass[a] = mass;
    };
    const popDamp = Float64Array.from(counts, (c) => Math.max(c, 1) ** p.alpha);
    this.lists = buildNeighbourLists(n, p.neighbours, fill, (a, b, raw) => raw / rowMass[a] / popDamp[b]);
    options.onProgress?.(`${this.lists.ids.length} neighbour links for ${n} items`);
    let maxCount = 1;
    for (const c of counts) if (c > maxCount) maxCount = c;
    const maxLog = Math.log1p(maxCount);
    this.prior = Float32Array.from(counts, (c) => (p.priorWeight * Math.log1p(c)) / maxLog);
    this.itemIds = data.itemIds;
    this.fitted = true;
  }

  scoreAll(query: Query): Float32Array {
    assertFitted(this.fitted, this.name);
    const scores = this.prior.slice();
    const h = recentHistory(query, this.params.maxHistory);
    const { offsets, ids, weights } = this.lists;
    let w = 1;
    for (let r = h.length - 1; r >= 0; r--, w *= this.params.historyDecay) {
      const a = h[r];
      if (a < 0 || a >= offsets.length - 1) continue;
      for (let c = offsets[a]; c < offsets[a + 1]; c++) scores[ids[c]] += w * weights[c];
    }
    return scores;
  }

  scoreCandidates(query: Query, candidates: Int32Array): Float32Array {
    return gather(this.scoreAll(query), candidates);
  }

  /** The neighbour lists (for serving and for inspection in tests). */
  neighbours(): NeighbourLists {
    return this.lists;
  }

  save(): ModelArtifact {
    return {
      model: this.name,
      params: { ...this.params },
      blobs: {
        offsets: this.lists.offsets,
        neighbours: this.lists.ids,
        weights: this.lists.weights,
        prior: this.prior,
      },
      itemIds: this.itemIds,
    };
  }

  static load(artifact: ModelArtifact): CovisitationRecommender {
    const m = new CovisitationRecommender(artifact.params);
    m.lists = {
      offsets: blob(artifact, "offsets", Int32Array),
      ids: blob(artifact, "neighbours", Int32Array),
      weights: blob(artifact, "weights", Float32Array),
    };
    m.prior = blob(artifact, "prior", Float32Array);
    m.itemIds = artifact.itemIds;
    m.fitted = true;
    return m;
  }
}
