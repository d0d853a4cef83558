import type { FitOptions, ModelArtifact, Query, Recommender, TrainData } from "../core/recommender.js";
import { topK } from "../core/topk.js";
import { assertFitted, blob, gather, latestTimestamp, numberParam, recentHistory } from "./common.js";

const DAY_MS = 86_400_000;

/**
 * Session-based kNN of the V-SKNN / STAN / VSTAN family (Ludewig et al. 2021; Garg et al. 2019).
 * Every training sequence is a "session". For a query:
 *  1. each of the last `maxHistory` items votes for the past sessions containing it (the `sampleSize` most
 *     recent ones), weighted by its position in the query (exp(-stepsFromEnd / lambdaQuery), STAN factor 1)
 *     and its idf (VSTAN);
 *  2. a session's similarity is further damped by its age (2^(-age / halfLifeDays), STAN factor 2);
 *  3. the `k` most similar sessions score their items, weighted by the distance to the most recent matched
 *     item inside that session (exp(-|d| / lambdaNeighbour), STAN factor 3), items after the match scaled
 *     by `after` and before it by `before` (sequence direction matters in purchase data).
 * A small popularity prior orders the items no neighbour mentions.
 */
export class SessionKnnRecommender implements Recommender {
  readonly name = "session-knn";
  readonly params: Record<string, number>;
  private sessOff = new Int32Array(1);
  private sessItems = new Int32Array(0);
  private sessTime = new Float64Array(0);
  private postOff = new Int32Array(1);
  private postSess = new Int32Array(0);
  private postPos = new Int32Array(0);
  private idf = new Float32Array(0);
  private prior = new Float32Array(0);
  private itemIds: string[] = [];
  private endTime = 0;
  private fitted = false;
  // Scratch buffers reused across queries (scoring is synchronous, so one set suffices).
  private sim = new Float32Array(0);
  private matchPos = new Int32Array(0);
  private matchW = new Float32Array(0);

  constructor(params: Record<string, unknown> = {}) {
    this.params = {
      k: numberParam(params, "k", 1000),
      sampleSize: numberParam(params, "sampleSize", 2000),
      maxHistory: numberParam(params, "maxHistory", 20),
      lambdaQuery: numberParam(params, "lambdaQuery", 4),
      lambdaNeighbour: numberParam(params, "lambdaNeighbour", 8),
      after: numberParam(params, "after", 1),
      before: numberParam(params, "before", 0.3),
      halfLifeDays: numberParam(params, "halfLifeDays", 0),
      idfWeight: numberParam(params, "idfWeight", 2),
      priorWeight: numberParam(params, "priorWeight", 0.01),
    };
  }

  async fit(data: TrainData, options: FitOptions): Promise<void> {
    const n = data.numItems;
    const seqs = data.sequences.filter((s) => s.items.length > 0);
    this.sessOff = new Int32Array(seqs.length + 1);
    seqs.forEach((s, i) => {
      this.sessOff[i + 1] = this.sessOff[i] + s.items.length;
    });
    this.sessItems = new Int32Array(this.sessOff[seqs.length]);
    this.sessTime = new Float64Array(seqs.length);
    seqs.forEach((s, i) => {
      this.sessItems.set(s.items, this.sessOff[i]);
      this.sessTime[i] = s.timestamps[s.timestamps.length - 1] ?? 0;
    });
    this.endTime = latestTimestamp(seqs);
    // Postings per item, most recent session first (ties: later sequence index first), so sampling the
    // first `sampleSize` postings takes the most recent sessions as in V-SKNN.
    const counts = new Int32Array(n);
    for (const i of this.sessItems) counts[i]++;
    this.postOff = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) this.postOff[i + 1] = this.postOff[i] + counts[i];
    this.postSess = new Int32Array(this.postOff[n]);
    this.postPos = new Int32Array(this.postOff[n]);
    const order = Array.from(seqs.keys()).sort((a, b) => this.sessTime[b] - this.sessTime[a] || b - a);
    const cursor = this.postOff.slice(0, n);
    for (const si of order) {
      for (let c = this.sessOff[si]; c < this.sessOff[si + 1]; c++) {
        const at = cursor[this.sessItems[c]]++;
        this.postSess[at] = si;
        this.postPos[at] = c - this.sessOff[si];
      }
    }
    const numSess = seqs.length;
    this.idf = Float32Array.from(counts, (c) => (c > 0 ? Math.log(numSess / c) : 0));
    let maxCount = 1;
    for (const c of counts) if (c > maxCount) maxCount = c;
    this.prior = Float32Array.from(counts, (c) => (this.params.priorWeight * Math.log1p(c)) / Math.log1p(maxCount));
    this.itemIds = data.itemIds;
    this.allocateScratch();
    this.fitted = true;
    options.onProgress?.(`${numSess} sessions, ${this.postSess.length} postings`);
  }

  private allocateScratch(): void {
    const numSess = this.sessOff.length - 1;
    this.sim = new Float32Array(numSess);
    this.matchPos = new Int32Array(numSess);
    this.matchW = new Float32Array(numSess);
  }

  /**
   * STAN's contribution of an item `d` positions after (d > 0) or before the match of a neighbour session
   * with similarity `simS`: one definition (and one float evaluation order) for the dense and the sparse
   * scorer, which must agree bit for bit.
   */
  private neighbourWeight(simS: number, d: number): number {
    const p = this.params;
    return simS * (d > 0 ? p.after : p.before) * Math.exp(-(Math.abs(d) - 1) / p.lambdaNeighbour);
  }

  scoreAll(query: Query): Float32Array {
    assertFitted(this.fitted, this.name);
    const scores = this.prior.slice();
    const { sessions, sims, matches } = this.neighbourSessions(query);
    for (let n = 0; n < sessions.length; n++) {
      const s = sessions[n];
      const simS = sims[n];
      const start = this.sessOff[s];
      const len = this.sessOff[s + 1] - start;
      const m = matches[n];
      for (let q = 0; q < len; q++) {
        if (q === m) continue;
        const w = this.neighbourWeight(simS, q - m);
        scores[this.sessItems[start + q]] += w;
      }
    }
    return scores;
  }

  /**
   * The query's k nearest sessions (V-SKNN / STAN weighting: query-position decay, idf, session recency),
   * each with its similarity and the position of its match with the most recent query item. Shared by the
   * dense scorer and the sparse serving scorer so both rank neighbours identically; leaves the per-session
   * scratch arrays zeroed.
   */
  private neighbourSessions(query: Query): { sessions: Int32Array; sims: Float32Array; matches: Int32Array } {
    const p = this.params;
    const h = recentHistory(query, p.maxHistory);
    const touched: number[] = [];
    const numItems = this.postOff.length - 1;
    for (let r = 0; r < h.length; r++) {
      const a = h[h.length - 1 - r];
      if (a < 0 || a >= numItems) continue;
      const wq = Math.exp(-r / p.lambdaQuery) * (p.idfWeight > 0 ? (this.idf[a] + 1) ** p.idfWeight : 1);
      const lim = Math.min(this.postOff[a + 1], this.postOff[a] + p.sampleSize);
      for (let c = this.postOff[a]; c < lim; c++) {
        const s = this.postSess[c];
        if (this.sim[s] === 0) touched.push(s);
        this.sim[s] += wq;
        // Keep the match position of the most recent query item (highest weight).
        if (wq > this.matchW[s]) {
          this.matchW[s] = wq;
          this.matchPos[s] = this.postPos[c];
        }
      }
    }
    const halfLifeMs = p.halfLifeDays * DAY_MS;
    const now = query.now ?? this.endTime;
    const cand = new Float32Array(touched.length);
    for (let j = 0; j < touched.length; j++) {
      const s = touched[j];
      let v = this.sim[s];
      if (halfLifeMs > 0 && this.sessTime[s] > 0 && now > 0)
        v *= 2 ** (-Math.max(0, now - this.sessTime[s]) / halfLifeMs);
      cand[j] = v;
    }
    const best = topK(cand, p.k);
    const sessions = new Int32Array(best.length);
    const sims = new Float32Array(best.length);
    const matches = new Int32Array(best.length);
    for (let n = 0; n < best.length; n++) {
      const s = touched[best[n]];
      sessions[n] = s;
      sims[n] = cand[best[n]];
      matches[n] = this.matchPos[s];
    }
    for (const s of touched) {
      this.sim[s] = 0;
      this.matchW[s] = 0;
    }
    return { sessions, sims, matches };
  }

  scoreCandidates(query: Query, candidates: Int32Array): Float32Array {
    return gather(this.scoreAll(query), candidates);
  }

  // Serving scratch for recommendTopK: item scores and a touched flag, allocated once per model and reset
  // only at the touched entries, so a query costs O(postings read + neighbour items), not O(numItems).
  private itemAcc = new Float32Array(0);
  private itemSeen = new Uint8Array(0);
  private itemTouched = new Int32Array(0);

  /**
   * Sparse top-k for serving. Scores exactly what `scoreAll` gives (prior + neighbour votes, same float
   * order) but only for items that occur in a neighbour session, so items only the popularity prior speaks
   * for are never returned. Same order as `topK(scoreAll(q), k, exclude)` restricted to those items
   * (ties: lower item index first). `exclude`d items are never returned.
   */
  recommendTopK(query: Query, k: number, exclude?: ReadonlySet<number>): { items: Int32Array; scores: Float32Array } {
    assertFitted(this.fitted, this.name);
    const numItems = this.postOff.length - 1;
    if (this.itemAcc.length !== numItems) {
      this.itemAcc = new Float32Array(numItems);
      this.itemSeen = new Uint8Array(numItems);
      this.itemTouched = new Int32Array(1024);
    }
    const { sessions, sims, matches } = this.neighbourSessions(query);
    const acc = this.itemAcc;
    const seen = this.itemSeen;
    let nt = 0;
    for (let n = 0; n < sessions.length; n++) {
      const s = sessions[n];
      const simS = sims[n];
      const start = this.sessOff[s];
      const len = this.sessOff[s + 1] - start;
      const m = matches[n];
      for (let q = 0; q < len; q++) {
        if (q === m) continue;
        const w = this.neighbourWeight(simS, q - m);
        const item = this.sessItems[start + q];
        if (seen[item] === 0) {
          // Start from the prior so the float sum is the one scoreAll computes.
          seen[item] = 1;
          acc[item] = this.prior[item];
          if (nt === this.itemTouched.length) {
            const grown = new Int32Array(nt * 2);
            grown.set(this.itemTouched);
            this.itemTouched = grown;
          }
          this.itemTouched[nt++] = item;
        }
        acc[item] += w;
      }
    }
    // Ascending item order makes topK's index tie-break the item-index tie-break of the dense path.
    const items = this.itemTouched.subarray(0, nt).sort();
    let kept = 0;
    const keptItems = new Int32Array(nt);
    const keptScores = new Float32Array(nt);
    for (let j = 0; j < nt; j++) {
      const item = items[j];
      if (exclude === undefined || !exclude.has(item)) {
        keptItems[kept] = item;
        keptScores[kept++] = acc[item];
      }
      seen[item] = 0;
      acc[item] = 0;
    }
    const top = topK(keptScores.subarray(0, kept), k);
    return { items: Int32Array.from(top, (j) => keptItems[j]), scores: Float32Array.from(top, (j) => keptScores[j]) };
  }

  save(): ModelArtifact {
    return {
      model: this.name,
      params: { ...this.params, endTime: this.endTime },
      blobs: {
        sessionOffsets: this.sessOff,
        sessionItems: this.sessItems,
        sessionTimes: this.sessTime,
        postingOffsets: this.postOff,
        postingSessions: this.postSess,
        postingPositions: this.postPos,
        idf: this.idf,
        prior: this.prior,
      },
      itemIds: this.itemIds,
    };
  }

  static load(artifact: ModelArtifact): SessionKnnRecommender {
    const m = new SessionKnnRecommender(artifact.params);
    m.sessOff = blob(artifact, "sessionOffsets", Int32Array);
    m.sessItems = blob(artifact, "sessionItems", Int32Array);
    m.sessTime = blob(artifact, "sessionTimes", Float64Array);
    m.postOff = blob(artifact, "postingOffsets", Int32Array);
    m.postSess = blob(artifact, "postingSessions", Int32Array);
    m.postPos = blob(artifact, "postingPositions", Int32Array);
    m.idf = blob(artifact, "idf", Float32Array);
    m.prior = blob(artifact, "prior", Float32Array);
    m.endTime = Number(artifact.params.endTime ?? 0);
    m.itemIds = artifact.itemIds;
    m.allocateScratch();
    m.fitted = true;
    return m;
  }
}
