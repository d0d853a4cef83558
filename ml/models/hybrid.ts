import type { FitOptions, ModelArtifact, Query, Recommender, TrainData, ValidationCase } from "../core/recommender.js";
import { Rng } from "../core/rng.js";
import { topK } from "../core/topk.js";
import { numberParam } from "./common.js";

/** Loads a component from its artifact (the registry's loader, injected to avoid an import cycle). */
export type ComponentLoader = (artifact: ModelArtifact) => Recommender;

const WEIGHT_GRID = [0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8];

/**
 * Learned linear blend of component models. Each component's scores are min-max normalised per query over
 * the set being ranked (all items in scoreAll, the candidates in scoreCandidates; validation uses the same
 * rule, so weights learned on a sampled protocol are meant for candidate re-ranking and weights learned on
 * a full-ranking protocol for serving), and the blend weights are learned by coordinate ascent on
 * validation NDCG@`targetK` (never on test). On a sampled protocol the validation ranking uses the case's
 * candidates; on full ranking it uses the union of every component's top `poolSize` plus the target, history
 * excluded, which is where all the action of a top-K list is.
 */
export class HybridRecommender implements Recommender {
  readonly name = "hybrid";
  readonly params: Record<string, number>;
  weights: Float64Array;
  /** Validation NDCG of the learned blend and of each component alone (for the report). */
  readonly validationReport: Record<string, number> = {};

  constructor(
    readonly components: Recommender[],
    params: Record<string, unknown> = {},
  ) {
    if (components.length === 0) throw new Error("hybrid: needs at least one component");
    this.params = {
      validationCases: numberParam(params, "validationCases", 10000),
      poolSize: numberParam(params, "poolSize", 100),
      rounds: numberParam(params, "rounds", 3),
      targetK: numberParam(params, "targetK", 10),
    };
    this.weights = new Float64Array(components.length).fill(1);
  }

  async fit(data: TrainData, options: FitOptions): Promise<void> {
    for (const c of this.components) {
      const t = performance.now();
      await c.fit(data, { ...options, onProgress: (m) => options.onProgress?.(`${c.name}: ${m}`) });
      options.onProgress?.(`component ${c.name} fitted in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    const validation = options.validation ?? [];
    if (validation.length === 0) {
      // A refit on more data keeps the weights learned earlier (equal weights if never learned).
      options.onProgress?.(`no validation cases: keeping weights ${this.describeWeights()}`);
      return;
    }
    this.learnWeights(validation, options);
  }

  /** Per-query min-max normalised score vectors of every component. */
  private componentScores(query: Query): Float32Array[] {
    return this.components.map((c) => normalizeMinMax(c.scoreAll(query)));
  }

  private learnWeights(all: ValidationCase[], options: FitOptions): void {
    const rng = new Rng(options.seed ^ 0x4b1d);
    const max = this.params.validationCases;
    const cases = all.length <= max ? all : Array.from(rng.shuffle(Int32Array.from(all.keys())).subarray(0, max)).sort((a, b) => a - b).map((i) => all[i]);
    const m = this.components.length;
    // features[case] = m x candidates (row per component), target at column 0.
    const features: Float32Array[] = [];
    const widths: number[] = [];
    cases.forEach((c, n) => {
      const query: Query = { history: c.history, timestamps: c.timestamps, now: c.now };
      let cands: Int32Array;
      let f: Float32Array;
      if (c.candidates !== undefined) {
        cands = c.candidates;
        f = new Float32Array(m * cands.length);
        this.components.forEach((comp, k) => f.set(normalizeMinMax(comp.scoreCandidates(query, cands)), k * cands.length));
      } else {
        const scores = this.componentScores(query);
        const pool = new Set<number>([c.target]);
        const history = new Set<number>(c.history);
        for (const s of scores) for (const i of topK(s, this.params.poolSize, history)) pool.add(i);
        cands = Int32Array.from(pool);
        f = new Float32Array(m * cands.length);
        for (let k = 0; k < m; k++) for (let j = 0; j < cands.length; j++) f[k * cands.length + j] = scores[k][cands[j]];
      }
      features.push(f);
      widths.push(cands.length);
      if ((n + 1) % 1000 === 0) options.onProgress?.(`scored ${n + 1}/${cases.length} validation cases`);
    });
    const evaluate = (w: Float64Array): number => {
      let total = 0;
      for (let n = 0; n < features.length; n++) {
        const f = features[n];
        const width = widths[n];
        let target = 0;
        for (let k = 0; k < m; k++) target += w[k] * f[k * width];
        let greater = 0;
        let ties = 0;
        for (let j = 1; j < width; j++) {
          let s = 0;
          for (let k = 0; k < m; k++) s += w[k] * f[k * width + j];
          if (s > target) greater++;
          else if (s === target) ties++;
        }
        const rank = greater + ties / 2; // expected rank under random tie-breaking
        if (rank < this.params.targetK) total += 1 / Math.log2(rank + 2);
      }
      return total / Math.max(1, features.length);
    };
    // Start from the best single component, then coordinate ascent over the grid.
    let best = -1;
    for (let k = 0; k < m; k++) {
      const w = new Float64Array(m);
      w[k] = 1;
      const v = evaluate(w);
      this.validationReport[this.components[k].name] = v;
      if (v > best) {
        best = v;
        this.weights = w;
      }
    }
    for (let round = 0; round < this.params.rounds; round++) {
      let improved = false;
      for (let k = 0; k < m; k++) {
        for (const g of WEIGHT_GRID) {
          if (g === this.weights[k]) continue;
          const w = this.weights.slice();
          w[k] = g;
          if (w.every((x) => x === 0)) continue;
          const v = evaluate(w);
          if (v > best + 1e-9) {
            best = v;
            this.weights = w;
            improved = true;
          }
        }
      }
      options.onProgress?.(`round ${round + 1}: validation NDCG@${this.params.targetK} ${best.toFixed(4)} weights ${this.describeWeights()}`);
      if (!improved) break;
    }
    this.validationReport.hybrid = best;
  }

  describeWeights(): string {
    return this.components.map((c, k) => `${c.name}=${this.weights[k]}`).join(" ");
  }

  scoreAll(query: Query): Float32Array {
    let out: Float32Array | undefined;
    this.components.forEach((c, k) => {
      const w = this.weights[k];
      if (w === 0) return;
      const s = normalizeMinMax(c.scoreAll(query));
      if (out === undefined) {
        out = s;
        for (let i = 0; i < s.length; i++) s[i] *= w;
      } else {
        for (let i = 0; i < s.length; i++) out[i] += w * s[i];
      }
    });
    if (out === undefined) throw new Error("hybrid: all weights are zero");
    return out;
  }

  scoreCandidates(query: Query, candidates: Int32Array): Float32Array {
    const out = new Float32Array(candidates.length);
    this.components.forEach((c, k) => {
      const w = this.weights[k];
      if (w === 0) return;
      const s = normalizeMinMax(c.scoreCandidates(query, candidates));
      for (let j = 0; j < s.length; j++) out[j] += w * s[j];
    });
    return out;
  }

  save(): ModelArtifact {
    const blobs: ModelArtifact["blobs"] = {};
    const parts = this.components.map((c, k) => {
      const a = c.save();
      for (const [name, b] of Object.entries(a.blobs)) blobs[`${k}/${name}`] = b;
      return { model: a.model, version: a.version, params: a.params, weight: this.weights[k] };
    });
    return {
      model: this.name,
      params: { ...this.params, components: parts, validation: this.validationReport },
      blobs,
      itemIds: this.components[0].save().itemIds,
    };
  }

  static load(artifact: ModelArtifact, loadComponent: ComponentLoader): HybridRecommender {
    const parts = artifact.params.components;
    if (!Array.isArray(parts)) throw new Error("hybrid artifact: params.components missing");
    const components: Recommender[] = [];
    const weights: number[] = [];
    parts.forEach((raw: unknown, k) => {
      const part = raw as { model: string; version?: string; params: Record<string, unknown>; weight: number };
      const prefix = `${k}/`;
      const blobs: ModelArtifact["blobs"] = {};
      for (const [name, b] of Object.entries(artifact.blobs)) if (name.startsWith(prefix)) blobs[name.slice(prefix.length)] = b;
      components.push(loadComponent({ model: part.model, version: part.version, params: part.params, blobs, itemIds: artifact.itemIds }));
      weights.push(part.weight);
    });
    const h = new HybridRecommender(components, artifact.params);
    h.weights = Float64Array.from(weights);
    return h;
  }
}

/** (s - min) / (max - min) over finite entries, in place; a constant vector becomes all zeros. */
export function normalizeMinMax(s: Float32Array): Float32Array {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < s.length; i++) {
    const v = s[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return s.fill(0);
  for (let i = 0; i < s.length; i++) s[i] = (s[i] - lo) / span;
  return s;
}
