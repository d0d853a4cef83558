import type { FitOptions, ModelArtifact, Query, Recommender, TrainData } from "../core/recommender.js";
import { embedInBatches, type TextEmbedder } from "../embed/embedder.js";
import { assertFitted, blob, numberParam, recentHistory } from "./common.js";
import { RowScorer } from "./row-scorer.js";

/**
 * Content-based recommender: item text -> vectors through a `TextEmbedder` (src/ports/embedder.ts in the app); a query is the
 * decay-weighted mean of its recent items' vectors, an item's score its cosine with that mean plus a small
 * popularity prior. Cold items with text are scorable from day one, which is what it is for.
 */
export class ContentRecommender implements Recommender {
  readonly name = "content";
  readonly params: Record<string, number>;
  private vectors = new Float32Array(0);
  private prior = new Float32Array(0);
  private dim = 0;
  private numItems = 0;
  private itemIds: string[] = [];
  private embedderId = "";
  private fitted = false;
  /** Built on first use after each fit / load (it copies the vectors and the prior). */
  private scorer: RowScorer | undefined;

  constructor(
    private readonly embedder: TextEmbedder | undefined,
    params: Record<string, unknown> = {},
  ) {
    this.params = {
      maxHistory: numberParam(params, "maxHistory", 10),
      historyDecay: numberParam(params, "historyDecay", 0.7),
      priorWeight: numberParam(params, "priorWeight", 0.01),
      batchSize: numberParam(params, "batchSize", 32),
    };
  }

  async fit(data: TrainData, options: FitOptions): Promise<void> {
    if (this.embedder === undefined) throw new Error("content: no embedder configured");
    if (data.itemText === undefined || data.itemText.every((t) => t === undefined || t === "")) {
      throw new Error("content: the data set has no item text (pass --item-text <metadata.csv>)");
    }
    this.scorer = undefined;
    const texts = data.itemText.map((t) => t ?? "");
    const vecs = await embedInBatches(this.embedder, texts, this.params.batchSize, (done, total) => {
      options.onProgress?.(`embedded ${done}/${total} items`);
    });
    this.dim = this.embedder.dimension;
    this.numItems = data.numItems;
    this.vectors = new Float32Array(this.numItems * this.dim);
    vecs.forEach((v, i) => {
      if (texts[i] !== "") this.vectors.set(v, i * this.dim);
    });
    const counts = new Float64Array(data.numItems);
    for (const s of data.sequences) for (const i of s.items) counts[i]++;
    let maxCount = 1;
    for (const c of counts) if (c > maxCount) maxCount = c;
    this.prior = Float32Array.from(counts, (c) => (this.params.priorWeight * Math.log1p(c)) / Math.log1p(maxCount));
    this.itemIds = data.itemIds;
    this.embedderId = this.embedder.id;
    this.fitted = true;
  }

  private queryVector(query: Query): Float32Array {
    const u = new Float32Array(this.dim);
    const h = recentHistory(query, this.params.maxHistory);
    let w = 1;
    for (let r = h.length - 1; r >= 0; r--, w *= this.params.historyDecay) {
      const i = h[r];
      if (i < 0 || i >= this.numItems) continue;
      for (let f = 0; f < this.dim; f++) u[f] += w * this.vectors[i * this.dim + f];
    }
    return u;
  }

  /** The unit-length query vector (zero when the history has no known item). */
  private unitQuery(query: Query): Float32Array {
    assertFitted(this.fitted, this.name);
    const u = this.queryVector(query);
    let norm = 0;
    for (let f = 0; f < this.dim; f++) norm += u[f] * u[f];
    norm = Math.sqrt(norm) || 1;
    for (let f = 0; f < this.dim; f++) u[f] /= norm;
    return u;
  }

  private rowScorer(): RowScorer {
    this.scorer ??= new RowScorer(this.vectors, this.numItems, this.dim, this.prior);
    return this.scorer;
  }

  scoreAll(query: Query): Float32Array {
    const u = this.unitQuery(query);
    return this.rowScorer().score(u).slice();
  }

  /** Serving path: exactly `topK(scoreAll(query), k, exclude)`, scored into the scorer's reused buffer. */
  recommend(query: Query, k: number, exclude?: Int32Array | ReadonlySet<number>): Int32Array {
    return this.rowScorer().topK(this.unitQuery(query), k, exclude);
  }

  scoreCandidates(query: Query, candidates: Int32Array): Float32Array {
    const all = this.scoreAll(query);
    return Float32Array.from(candidates, (c) => all[c]);
  }

  itemVectors(): Float32Array {
    return this.vectors;
  }

  save(): ModelArtifact {
    return {
      model: this.name,
      params: { ...this.params, dim: this.dim, embedder: this.embedderId },
      blobs: { itemVectors: this.vectors, prior: this.prior },
      itemIds: this.itemIds,
    };
  }

  static load(artifact: ModelArtifact): ContentRecommender {
    const m = new ContentRecommender(undefined, artifact.params);
    m.vectors = blob(artifact, "itemVectors", Float32Array);
    m.prior = blob(artifact, "prior", Float32Array);
    m.dim = Number(artifact.params.dim);
    m.numItems = m.prior.length;
    m.embedderId = String(artifact.params.embedder ?? "");
    m.itemIds = artifact.itemIds;
    m.fitted = true;
    return m;
  }
}
