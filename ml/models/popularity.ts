import type { FitOptions, ModelArtifact, Query, Recommender, TrainData } from "../core/recommender.js";
import { assertFitted, blob, gather, latestTimestamp, numberParam } from "./common.js";

const DAY_MS = 86_400_000;

/**
 * Popularity with exponential time decay: each interaction counts 2^(-age / halfLife), age measured from the
 * latest training event. Scores are log(1 + decayed count) so that blends see a tamer scale; the ranking is
 * the same. Without timestamps every interaction counts 1 (plain popularity).
 */
export class PopularityRecommender implements Recommender {
  readonly name = "popularity";
  private scores = new Float32Array(0);
  private fitted = false;
  private itemIds: string[] = [];
  readonly halfLifeDays: number;

  constructor(params: Record<string, unknown> = {}) {
    this.halfLifeDays = numberParam(params, "halfLifeDays", 180);
  }

  async fit(data: TrainData, _options: FitOptions): Promise<void> {
    const counts = new Float64Array(data.numItems);
    const end = latestTimestamp(data.sequences);
    const halfLifeMs = this.halfLifeDays * DAY_MS;
    for (const s of data.sequences) {
      for (let j = 0; j < s.items.length; j++) {
        const t = s.timestamps[j];
        counts[s.items[j]] += end > 0 && t > 0 && halfLifeMs > 0 ? 2 ** (-(end - t) / halfLifeMs) : 1;
      }
    }
    this.scores = Float32Array.from(counts, (c) => Math.log1p(c));
    this.itemIds = data.itemIds;
    this.fitted = true;
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

  static load(artifact: ModelArtifact): PopularityRecommender {
    const m = new PopularityRecommender(artifact.params);
    m.scores = blob(artifact, "scores", Float32Array);
    m.itemIds = artifact.itemIds;
    m.fitted = true;
    return m;
  }
}
