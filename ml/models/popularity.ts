import type { FitOptions, ModelArtifact, Query, Recommender, TrainData } from "../core/recommender.js";
import { expectedRank, ndcgOfRank } from "../eval/metrics.js";
import { assertFitted, blob, gather, latestTimestamp, numberParam } from "./common.js";

const DAY_MS = 86_400_000;

/** Half-lives tried by `halfLifeDays=auto`; 0 = plain counts (no decay), always a candidate. */
export const HALF_LIFE_CANDIDATES = [0, 7, 30, 90, 180, 365, 730, 1460];

/**
 * Popularity with exponential time decay: each interaction counts 2^(-age / halfLife), age measured from the
 * latest training event. Scores are log(1 + decayed count) so that blends see a tamer scale; the ranking is
 * the same. Without timestamps, or with halfLifeDays 0, every interaction counts 1 (plain popularity).
 *
 * `halfLifeDays=auto` chooses the half-life on the validation cases given to fit (NDCG@10, the protocol's own
 * ranking: the case's candidates, else all items minus the history), plain counts among the candidates: a
 * fixed 180 days was 4–6× worse than plain counts on data spanning years (issue 19). Without validation
 * cases, auto means plain counts.
 */
export class PopularityRecommender implements Recommender {
  private scores: Float32Array = new Float32Array(0);
  private fitted = false;
  private itemIds: string[] = [];
  /** The half-life in use (the chosen one after an auto fit). */
  halfLifeDays: number;
  readonly auto: boolean;
  /** Validation NDCG@10 per candidate half-life (auto only). */
  readonly validationReport: Record<string, number> = {};

  constructor(
    params: Record<string, unknown> = {},
    readonly name = "popularity",
  ) {
    this.auto = params.halfLifeDays === "auto";
    this.halfLifeDays = this.auto ? 0 : numberParam(params, "halfLifeDays", 180);
  }

  async fit(data: TrainData, options: FitOptions): Promise<void> {
    this.itemIds = data.itemIds;
    this.fitted = true;
    const validation = options.validation ?? [];
    if (!this.auto || validation.length === 0) {
      this.scores = popularityScores(data, this.halfLifeDays);
      return;
    }
    const hasTime = latestTimestamp(data.sequences) > 0;
    let best = -1;
    for (const h of hasTime ? HALF_LIFE_CANDIDATES : [0]) {
      const scores = popularityScores(data, h);
      let total = 0;
      for (const c of validation) {
        const rank =
          c.candidates !== undefined
            ? expectedRank(gather(scores, c.candidates), 0)
            : expectedRank(scores, c.target, new Set(c.history));
        total += ndcgOfRank(rank, 10);
      }
      const ndcg = total / validation.length;
      this.validationReport[`halfLifeDays=${h}`] = ndcg;
      if (ndcg > best + 1e-12) {
        best = ndcg;
        this.halfLifeDays = h;
        this.scores = scores;
      }
    }
    options.onProgress?.(`half-life chosen on validation: ${this.halfLifeDays} days (0 = plain counts)`);
  }

  scoreAll(_query: Query): Float32Array {
    assertFitted(this.fitted, this.name);
    return this.scores.slice();
  }

  scoreCandidates(_query: Query, candidates: Int32Array): Float32Array {
    assertFitted(this.fitted, this.name);
    return gather(this.scores, candidates);
  }

  save(): ModelArtifact {
    return {
      model: this.name,
      params: { halfLifeDays: this.halfLifeDays },
      blobs: { scores: this.scores },
      itemIds: this.itemIds,
    };
  }

  static load(artifact: ModelArtifact, name = "popularity"): PopularityRecommender {
    const m = new PopularityRecommender({ halfLifeDays: Number(artifact.params.halfLifeDays) }, name);
    m.scores = blob(artifact, "scores", Float32Array);
    m.itemIds = artifact.itemIds;
    m.fitted = true;
    return m;
  }
}

/** log(1 + decayed count) per item; halfLifeDays 0 (or no timestamps) counts every interaction 1. */
export function popularityScores(data: TrainData, halfLifeDays: number): Float32Array {
  const counts = new Float64Array(data.numItems);
  const end = latestTimestamp(data.sequences);
  const halfLifeMs = halfLifeDays * DAY_MS;
  for (const s of data.sequences) {
    for (let j = 0; j < s.items.length; j++) {
      const t = s.timestamps[j];
      counts[s.items[j]] += end > 0 && t > 0 && halfLifeMs > 0 ? 2 ** (-(end - t) / halfLifeMs) : 1;
    }
  }
  return Float32Array.from(counts, (c) => Math.log1p(c));
}

/**
 * The random ranker baseline: every call draws fresh uniform scores from a seeded stream (reset by fit), so
 * a run is reproducible and its metrics are what chance gives (HR@K ≈ K / items ranked).
 */
export class RandomRecommender implements Recommender {
  readonly name = "random";
  private state = 0;
  private numItems = 0;
  private itemIds: string[] = [];

  async fit(data: TrainData, options: FitOptions): Promise<void> {
    this.numItems = data.numItems;
    this.itemIds = data.itemIds;
    this.state = (options.seed ^ 0x7a4d0) >>> 0;
  }

  private next(): number {
    // mulberry32, inline: one draw per item per request.
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  scoreAll(_query: Query): Float32Array {
    return Float32Array.from({ length: this.numItems }, () => this.next());
  }

  scoreCandidates(_query: Query, candidates: Int32Array): Float32Array {
    return Float32Array.from(candidates, () => this.next());
  }

  save(): ModelArtifact {
    return { model: this.name, params: {}, blobs: {}, itemIds: this.itemIds };
  }

  static load(artifact: ModelArtifact): RandomRecommender {
    const m = new RandomRecommender();
    m.itemIds = artifact.itemIds;
    m.numItems = artifact.itemIds.length;
    return m;
  }
}
