import type { FitOptions, ModelArtifact, Query, Recommender, TrainData } from "../core/recommender.js";
import { Rng } from "../core/rng.js";
import { assertFitted, blob, numberParam, recentHistory } from "./common.js";
import { RowScorer } from "./row-scorer.js";

/**
 * Collaborative item embeddings trained with BPR in the factored-item-similarity form (FISM / item2vec
 * style): a query is the decay-weighted mean of the "context" vectors Q of its recent items, and an item's
 * score is its vector P . query + bias. Users need no vector of their own, so live sessions are scored the
 * same way as known users, and P is the item vector set that feeds the vector index.
 *
 * Training: for every position t of every training sequence, the previous `context` items predict item t
 * against one uniformly sampled negative; SGD on the BPR loss with L2, Float32Array kernels, seeded order.
 */
export class FismBprRecommender implements Recommender {
  readonly name = "fism-bpr";
  readonly params: Record<string, number>;
  private P = new Float32Array(0);
  private Q = new Float32Array(0);
  private bias = new Float32Array(0);
  private itemIds: string[] = [];
  private numItems = 0;
  private fitted = false;
  /** Built on first use after each fit / load (it copies P and the bias). */
  private scorer: RowScorer | undefined;

  constructor(params: Record<string, unknown> = {}) {
    this.params = {
      dim: numberParam(params, "dim", 64),
      epochs: numberParam(params, "epochs", 20),
      learningRate: numberParam(params, "learningRate", 0.3),
      l2: numberParam(params, "l2", 1e-5),
      context: numberParam(params, "context", 10),
      contextDecay: numberParam(params, "contextDecay", 0.7),
      initScale: numberParam(params, "initScale", 0.1),
    };
  }

  /** Weighted mean of context vectors into `out`; weights decay from the most recent item. */
  private encode(items: Int32Array, out: Float32Array, weights: Float32Array): void {
    const d = this.params.dim;
    out.fill(0);
    let total = 0;
    let w = 1;
    for (let r = items.length - 1; r >= 0; r--, w *= this.params.contextDecay) {
      weights[r] = w;
      total += w;
    }
    for (let r = 0; r < items.length; r++) {
      const base = items[r] * d;
      const wr = weights[r] / total;
      weights[r] = wr;
      for (let f = 0; f < d; f++) out[f] += wr * this.Q[base + f];
    }
  }

  async fit(data: TrainData, options: FitOptions): Promise<void> {
    const { dim: d, epochs, learningRate, l2, context } = this.params;
    const n = data.numItems;
    const rng = new Rng(options.seed);
    this.scorer = undefined;
    this.numItems = n;
    this.P = new Float32Array(n * d);
    this.Q = new Float32Array(n * d);
    this.bias = new Float32Array(n);
    const scale = this.params.initScale;
    for (let i = 0; i < n * d; i++) {
      this.P[i] = rng.normal() * scale;
      this.Q[i] = rng.normal() * scale;
    }
    // Training examples: (sequence, position) with at least one item before it.
    const exSeq: number[] = [];
    const exPos: number[] = [];
    data.sequences.forEach((s, si) => {
      for (let t = 1; t < s.items.length; t++) {
        exSeq.push(si);
        exPos.push(t);
      }
    });
    const order = Int32Array.from(exSeq.keys());
    const u = new Float32Array(d);
    const grad = new Float32Array(d);
    const weights = new Float32Array(context);
    const P = this.P;
    const Q = this.Q;
    const bias = this.bias;
    for (let epoch = 0; epoch < epochs; epoch++) {
      rng.shuffle(order);
      let loss = 0;
      const lr = learningRate * (1 - epoch / (epochs + 1));
      for (const e of order) {
        const s = data.sequences[exSeq[e]];
        const t = exPos[e];
        const ctx = s.items.subarray(Math.max(0, t - context), t);
        const pos = s.items[t];
        let neg = rng.int(n);
        while (neg === pos) neg = rng.int(n);
        this.encode(ctx, u, weights);
        const pb = pos * d;
        const nb = neg * d;
        let x = bias[pos] - bias[neg];
        for (let f = 0; f < d; f++) x += u[f] * (P[pb + f] - P[nb + f]);
        const g = 1 / (1 + Math.exp(x)); // d(-log sigmoid(x))/dx magnitude
        loss += Math.log1p(Math.exp(-x));
        bias[pos] += lr * (g - l2 * bias[pos]);
        bias[neg] += lr * (-g - l2 * bias[neg]);
        for (let f = 0; f < d; f++) {
          const pp = P[pb + f];
          const pn = P[nb + f];
          grad[f] = g * (pp - pn);
          P[pb + f] += lr * (g * u[f] - l2 * pp);
          P[nb + f] += lr * (-g * u[f] - l2 * pn);
        }
        for (let r = 0; r < ctx.length; r++) {
          const base = ctx[r] * d;
          const wr = weights[r];
          for (let f = 0; f < d; f++) Q[base + f] += lr * (wr * grad[f] - l2 * Q[base + f]);
        }
      }
      options.onProgress?.(`epoch ${epoch + 1}/${epochs} BPR loss ${(loss / Math.max(1, order.length)).toFixed(4)}`);
      await Promise.resolve();
    }
    this.itemIds = data.itemIds;
    this.scorer = undefined; // the vectors changed in place: copy them again on next use
    this.fitted = true;
  }

  /** The query vector for a history (what the vector index is searched with). */
  queryVector(query: Query): Float32Array {
    assertFitted(this.fitted, this.name);
    const h = recentHistory(query, this.params.context);
    const valid = h.filter((i) => i >= 0 && i < this.numItems);
    const u = new Float32Array(this.params.dim);
    if (valid.length > 0) this.encode(valid, u, new Float32Array(valid.length));
    return u;
  }

  private rowScorer(): RowScorer {
    this.scorer ??= new RowScorer(this.P, this.numItems, this.params.dim, this.bias);
    return this.scorer;
  }

  scoreAll(query: Query): Float32Array {
    const u = this.queryVector(query);
    return this.rowScorer().score(u).slice();
  }

  /**
   * Serving path: the top `k` items, exactly `topK(scoreAll(query), k, exclude)`, scored into the scorer's
   * buffer (no per-request numItems-sized allocation) with the exclusion marked in place.
   */
  recommend(query: Query, k: number, exclude?: Int32Array | ReadonlySet<number>): Int32Array {
    return this.rowScorer().topK(this.queryVector(query), k, exclude);
  }

  scoreCandidates(query: Query, candidates: Int32Array): Float32Array {
    const u = this.queryVector(query);
    const d = this.params.dim;
    const out = new Float32Array(candidates.length);
    for (let j = 0; j < candidates.length; j++) {
      const i = candidates[j];
      let s = this.bias[i];
      for (let f = 0; f < d; f++) s += u[f] * this.P[i * d + f];
      out[j] = s;
    }
    return out;
  }

  /** Item vectors (row-major, numItems x dim) for the vector index. */
  itemVectors(): Float32Array {
    return this.P;
  }

  save(): ModelArtifact {
    return {
      model: this.name,
      params: { ...this.params, numItems: this.numItems },
      blobs: { itemVectors: this.P, contextVectors: this.Q, bias: this.bias },
      itemIds: this.itemIds,
    };
  }

  static load(artifact: ModelArtifact): FismBprRecommender {
    const m = new FismBprRecommender(artifact.params);
    m.P = blob(artifact, "itemVectors", Float32Array);
    m.Q = blob(artifact, "contextVectors", Float32Array);
    m.bias = blob(artifact, "bias", Float32Array);
    m.numItems = m.bias.length;
    m.itemIds = artifact.itemIds;
    m.fitted = true;
    return m;
  }
}
