import type { ModelArtifact } from "../../../ml/core/recommender.js";
import defaults from "../../../ml/ranker/weights.json";
import type { Candidate } from "./candidates";
import { FEATURES, NUM_FEATURES, featurize, sourceMaxima, type FeatureContext } from "./features";

/** A model produced scores that cannot be ranked (NaN or infinite): the version is broken, not the request. */
export class ModelOutputError extends Error {
  override readonly name = "ModelOutputError";
}

/** Logistic-regression ranker: score = sigmoid(bias + w . x); the order only needs the logit. */
export class LinearRanker {
  constructor(
    readonly version: string,
    readonly weights: Float32Array,
    readonly bias: number,
  ) {
    if (weights.length !== NUM_FEATURES)
      throw new Error(`ranker ${version}: ${weights.length} weights for ${NUM_FEATURES} features`);
  }

  /**
   * Four partial sums: one running sum is a chain of dependent adds (~4 cycles each), which made this
   * ~0.2-0.4 µs per candidate on the bench host, about a quarter of ranking a feed's ~200 candidates.
   */
  logit(x: Float32Array): number {
    const w = this.weights;
    const n4 = NUM_FEATURES - (NUM_FEATURES % 4);
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let f = 0;
    for (; f < n4; f += 4) {
      s0 += w[f] * x[f];
      s1 += w[f + 1] * x[f + 1];
      s2 += w[f + 2] * x[f + 2];
      s3 += w[f + 3] * x[f + 3];
    }
    for (; f < NUM_FEATURES; f++) s0 += w[f] * x[f];
    return this.bias + (s0 + s1 + (s2 + s3));
  }

  /** Sets `c.score` on every candidate and sorts best first (ties: lower item index, for stable pages). */
  rank(cands: Candidate[], ctx: FeatureContext): Candidate[] {
    const maxima = sourceMaxima(cands);
    const x = new Float32Array(NUM_FEATURES);
    for (const c of cands) {
      featurize(c, ctx, maxima, x);
      c.score = this.logit(x);
      // A diverged training run (NaN or infinite weights) would otherwise sort at random without a sound.
      if (!Number.isFinite(c.score))
        throw new ModelOutputError(`ranker ${this.version} scored item ${c.item} ${c.score}: not a finite number`);
    }
    return cands.sort((a, b) => b.score - a.score || a.item - b.item);
  }

  toArtifact(metrics: Record<string, number> = {}): ModelArtifact {
    return {
      model: "ranker",
      version: this.version,
      params: { features: [...FEATURES], bias: this.bias, metrics },
      blobs: { weights: this.weights },
      itemIds: [],
    };
  }

  /** Rebuilds from a registry artifact; refuses one trained on another feature layout. */
  static fromArtifact(a: ModelArtifact, version: string): LinearRanker {
    const features = a.params.features;
    if (!Array.isArray(features) || features.length !== NUM_FEATURES || features.some((f, i) => f !== FEATURES[i])) {
      throw new Error(`ranker ${version}: feature layout differs from serving's (${NUM_FEATURES} features)`);
    }
    const w = a.blobs.weights;
    if (!(w instanceof Float32Array)) throw new Error(`ranker ${version}: weights blob missing`);
    return new LinearRanker(version, w, Number(a.params.bias ?? 0));
  }

  /** From a { name: weight } map; missing names weigh 0. */
  static fromNamed(version: string, named: Record<string, number>, bias: number): LinearRanker {
    return new LinearRanker(
      version,
      Float32Array.from(FEATURES, (f) => named[f] ?? 0),
      bias,
    );
  }
}

/** The committed weights (ml/ranker/weights.json): the trained ones once the trainer has run. */
export function defaultRanker(): LinearRanker {
  return LinearRanker.fromNamed(defaults.version, defaults.weights as Record<string, number>, defaults.bias);
}
