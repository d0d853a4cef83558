import type { FitOptions, ModelArtifact, Query, Recommender, TrainData } from "../core/recommender.js";
import { Rng } from "../core/rng.js";
import { assertFitted, blob, numberParam, recentHistory } from "./common.js";
import { RowScorer } from "./row-scorer.js";
import { orthonormalizeColumns, symmetricEigen } from "./linalg.js";

/**
 * PureSVD-style collaborative item embeddings (Cremonesi et al. 2010): the top `dim` right singular vectors
 * V of the user-item matrix R (columns scaled by popularity^-popularityExponent to temper popularity bias),
 * found by randomized subspace iteration on R^T R with sparse products and Float64 kernels, deterministic
 * under the seed. A query folds in without a user vector: q = sum of decay-weighted V rows of the history,
 * score(i) = V_i . q, i.e. the projection of the history onto the learned item space. V (scaled by the
 * singular values) is the item vector set for the vector index.
 */
export class PureSvdRecommender implements Recommender {
  readonly name = "pure-svd";
  readonly params: Record<string, number>;
  private vectors = new Float32Array(0);
  private dim = 0;
  private numItems = 0;
  private itemIds: string[] = [];
  private fitted = false;
  /** Built on first use after each fit / load (it copies the vectors). */
  private scorer: RowScorer | undefined;

  constructor(params: Record<string, unknown> = {}) {
    this.params = {
      dim: numberParam(params, "dim", 64),
      oversample: numberParam(params, "oversample", 16),
      iterations: numberParam(params, "iterations", 8),
      popularityExponent: numberParam(params, "popularityExponent", 0),
      maxHistory: numberParam(params, "maxHistory", 20),
      historyDecay: numberParam(params, "historyDecay", 0.8),
    };
  }

  async fit(data: TrainData, options: FitOptions): Promise<void> {
    const n = data.numItems;
    const k = Math.min(this.params.dim, n);
    const l = Math.min(n, k + this.params.oversample);
    const rng = new Rng(options.seed);
    this.scorer = undefined;
    // Binary user-item matrix in CSR (repeat interactions count once), columns scaled.
    const counts = new Float64Array(n);
    const rows: Int32Array[] = data.sequences.map((s) => Int32Array.from(new Set(s.items)));
    for (const r of rows) for (const i of r) counts[i]++;
    const colScale = Float64Array.from(counts, (c) => (c > 0 ? c ** -this.params.popularityExponent : 0));
    // Y = R^T R X for an n x l block X, via T = R X (per user row), then Y += R^T T.
    const gram = (x: Float64Array): Float64Array => {
      const y = new Float64Array(n * l);
      const t = new Float64Array(l);
      for (const r of rows) {
        t.fill(0);
        for (const i of r) {
          const w = colScale[i];
          const base = i * l;
          for (let c = 0; c < l; c++) t[c] += w * x[base + c];
        }
        for (const i of r) {
          const w = colScale[i];
          const base = i * l;
          for (let c = 0; c < l; c++) y[base + c] += w * t[c];
        }
      }
      return y;
    };
    let q: Float64Array = new Float64Array(n * l);
    for (let j = 0; j < q.length; j++) q[j] = rng.normal();
    orthonormalizeColumns(q, n, l);
    for (let it = 0; it < this.params.iterations; it++) {
      q = gram(q);
      orthonormalizeColumns(q, n, l);
      options.onProgress?.(`subspace iteration ${it + 1}/${this.params.iterations}`);
      await Promise.resolve();
    }
    // Rayleigh-Ritz: eigenvectors of the small l x l matrix Q^T (R^T R) Q rotate Q into singular vectors.
    const gq = gram(q);
    const small = new Float64Array(l * l);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < l; a++) {
        const qa = q[i * l + a];
        if (qa === 0) continue;
        for (let b = 0; b < l; b++) small[a * l + b] += qa * gq[i * l + b];
      }
    }
    const { values, vectors } = symmetricEigen(small, l);
    this.dim = k;
    this.numItems = n;
    this.vectors = new Float32Array(n * k);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let a = 0; a < l; a++) s += q[i * l + a] * vectors[a * l + c];
        this.vectors[i * k + c] = s;
      }
    }
    options.onProgress?.(
      `top singular values ${Array.from(values.subarray(0, 5), (v) => Math.sqrt(Math.max(v, 0)).toFixed(1)).join(" ")}`,
    );
    this.itemIds = data.itemIds;
    this.scorer = undefined; // the vectors changed in place: copy them again on next use
    this.fitted = true;
  }

  queryVector(query: Query): Float32Array {
    assertFitted(this.fitted, this.name);
    const d = this.dim;
    const u = new Float32Array(d);
    const h = recentHistory(query, this.params.maxHistory);
    let w = 1;
    for (let r = h.length - 1; r >= 0; r--, w *= this.params.historyDecay) {
      const i = h[r];
      if (i < 0 || i >= this.numItems) continue;
      for (let f = 0; f < d; f++) u[f] += w * this.vectors[i * d + f];
    }
    return u;
  }

  private rowScorer(): RowScorer {
    this.scorer ??= new RowScorer(this.vectors, this.numItems, this.dim);
    return this.scorer;
  }

  scoreAll(query: Query): Float32Array {
    const u = this.queryVector(query);
    return this.rowScorer().score(u).slice();
  }

  /** Serving path: exactly `topK(scoreAll(query), k, exclude)`, scored into the scorer's reused buffer. */
  recommend(query: Query, k: number, exclude?: Int32Array | ReadonlySet<number>): Int32Array {
    return this.rowScorer().topK(this.queryVector(query), k, exclude);
  }

  scoreCandidates(query: Query, candidates: Int32Array): Float32Array {
    const u = this.queryVector(query);
    const d = this.dim;
    return Float32Array.from(candidates, (i) => {
      let s = 0;
      for (let f = 0; f < d; f++) s += u[f] * this.vectors[i * d + f];
      return s;
    });
  }

  /** Item vectors (numItems x dim, row-major) for the vector index. */
  itemVectors(): Float32Array {
    return this.vectors;
  }

  save(): ModelArtifact {
    return {
      model: this.name,
      params: { ...this.params, dimActual: this.dim },
      blobs: { itemVectors: this.vectors },
      itemIds: this.itemIds,
    };
  }

  static load(artifact: ModelArtifact): PureSvdRecommender {
    const m = new PureSvdRecommender(artifact.params);
    m.vectors = blob(artifact, "itemVectors", Float32Array);
    m.dim = Number(artifact.params.dimActual);
    m.numItems = artifact.itemIds.length;
    m.itemIds = artifact.itemIds;
    m.fitted = true;
    return m;
  }
}
