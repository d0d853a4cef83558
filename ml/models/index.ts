/**
 * Model registry by name: the CLI, the hybrid and serving build and load models only through it.
 * To add a model, add one entry to MODELS (e.g. the sequential neural model from ./sequential/).
 */
import type { ModelArtifact, Recommender } from "../core/recommender.js";
import type { TextEmbedder } from "../embed/embedder.js";
import { ContentRecommender } from "./content.js";
import { CovisitationRecommender } from "./covisitation.js";
import { FismBprRecommender } from "./fism-bpr.js";
import { HybridRecommender } from "./hybrid.js";
import { PopularityRecommender, RandomRecommender } from "./popularity.js";
import { PureSvdRecommender } from "./pure-svd.js";
import { SasrecRecommender } from "./sequential/sasrec.js";
import { SessionKnnRecommender } from "./session-knn.js";

export interface ModelContext {
  /** Parameters for this model (from `--param <model>.<key>=<value>`). */
  params: Record<string, unknown>;
  /** Text embedder for content models (created lazily by the caller). */
  embedder: () => TextEmbedder;
  /** Builds another registered model by name (how the hybrid gets its components). */
  create: (name: string) => Recommender;
  /** False when no embedder was configured (the default hybrid then leaves content out). */
  hasEmbedder?: boolean;
}

export interface ModelEntry {
  description: string;
  create(ctx: ModelContext): Recommender;
  load(artifact: ModelArtifact): Recommender;
  /** True when the model can only train with item text. */
  needsItemText?: boolean;
}

/**
 * The default hybrid: both popularity baselines (plain counts and the half-life chosen on validation), the
 * neighbourhood and embedding models, and content wherever the data set has item text (a component that
 * needs item text is dropped at fit when there is none). Blend weights are learned per user segment.
 */
const DEFAULT_HYBRID_COMPONENTS =
  "popularity-plain+popularity-decayed+covisitation+session-knn+fism-bpr+pure-svd+content";
const DEFAULT_HYBRID_PARAMS = { lengthBuckets: "segments", guard: "on" };

export const MODELS: Record<string, ModelEntry> = {
  popularity: {
    description: "time-decayed popularity",
    create: (ctx) => new PopularityRecommender(ctx.params),
    load: (a) => PopularityRecommender.load(a),
  },
  "popularity-plain": {
    description: "baseline: plain popularity (training counts, no decay)",
    create: (ctx) => new PopularityRecommender({ ...ctx.params, halfLifeDays: 0 }, "popularity-plain"),
    load: (a) => PopularityRecommender.load(a, "popularity-plain"),
  },
  "popularity-decayed": {
    description: "baseline: decayed popularity, half-life chosen on validation (plain counts among the candidates)",
    create: (ctx) => new PopularityRecommender({ ...ctx.params, halfLifeDays: "auto" }, "popularity-decayed"),
    load: (a) => PopularityRecommender.load(a, "popularity-decayed"),
  },
  random: {
    description: "baseline: uniformly random scores (seeded)",
    create: () => new RandomRecommender(),
    load: (a) => RandomRecommender.load(a),
  },
  covisitation: {
    description: "item-to-item co-visitation, position + recency weighted",
    create: (ctx) => new CovisitationRecommender(ctx.params),
    load: (a) => CovisitationRecommender.load(a),
  },
  "session-knn": {
    description: "session kNN (V-SKNN / STAN / VSTAN weighting)",
    create: (ctx) => new SessionKnnRecommender(ctx.params),
    load: (a) => SessionKnnRecommender.load(a),
  },
  "fism-bpr": {
    description: "collaborative item embeddings (FISM-style, BPR loss)",
    create: (ctx) => new FismBprRecommender(ctx.params),
    load: (a) => FismBprRecommender.load(a),
  },
  "pure-svd": {
    description: "PureSVD collaborative item embeddings (randomized subspace iteration)",
    create: (ctx) => new PureSvdRecommender(ctx.params),
    load: (a) => PureSvdRecommender.load(a),
  },
  sasrec: {
    description: "SASRec self-attentive sequential model (CPU kernels, sampled softmax)",
    create: (ctx) => new SasrecRecommender(ctx.params),
    load: (a) => SasrecRecommender.load(a),
  },
  content: {
    description: "content vectors from item text through the Embedder port",
    create: (ctx) => new ContentRecommender(ctx.embedder(), ctx.params),
    load: (a) => ContentRecommender.load(a),
    needsItemText: true,
  },
  hybrid: {
    description: "linear blend of components, weights learned on validation NDCG",
    create: (ctx) => {
      const custom = ctx.params.components !== undefined;
      const names = String(ctx.params.components ?? DEFAULT_HYBRID_COMPONENTS)
        .split("+")
        .filter((n) => n !== "" && (custom || n !== "content" || ctx.hasEmbedder !== false));
      if (names.includes("hybrid")) throw new Error("hybrid cannot contain itself");
      return new HybridRecommender(
        names.map((n) => ctx.create(n)),
        custom ? ctx.params : { ...DEFAULT_HYBRID_PARAMS, ...ctx.params },
        names.map((n) => getModelEntry(n).needsItemText === true),
      );
    },
    load: (a) => HybridRecommender.load(a, loadModel),
  },
};

export function modelNames(): string[] {
  return Object.keys(MODELS);
}

export function getModelEntry(name: string): ModelEntry {
  const entry = MODELS[name];
  if (entry === undefined) throw new Error(`unknown model "${name}"; registered: ${modelNames().join(", ")}`);
  return entry;
}

/** Rebuilds a scorable model from a saved artifact. */
export function loadModel(artifact: ModelArtifact): Recommender {
  return getModelEntry(artifact.model).load(artifact);
}

export interface CreateOptions {
  /** Per-model parameters, keyed by model name. */
  params?: Record<string, Record<string, unknown>>;
  embedder?: () => TextEmbedder;
}

/** Builds a model by name with its parameters; components of a hybrid get their own parameters. */
export function createModel(name: string, options: CreateOptions = {}): Recommender {
  const ctx: ModelContext = {
    params: options.params?.[name] ?? {},
    embedder:
      options.embedder ??
      (() => {
        throw new Error(`${name}: no embedder configured`);
      }),
    create: (n) => createModel(n, options),
    hasEmbedder: options.embedder !== undefined,
  };
  return getModelEntry(name).create(ctx);
}
