/**
 * The models serving reads from the registry, with the parameters used when they must be trained. Kept apart
 * from bootstrap.ts (which imports ml/'s model zoo, and through it the Node-only sequential trainer) so the
 * scheduler Worker can name them without bundling any trainer.
 */
export const SERVING_MODELS: Record<string, Record<string, unknown>> = {
  popularity: { halfLifeDays: 30 },
  covisitation: { window: 3, neighbours: 100 },
  "session-knn": { k: 100, sampleSize: 500 },
  // Small and few epochs: this runs at process start on the embedded default.
  "fism-bpr": { dim: 32, epochs: 6, context: 5 },
};

/** Models the registry holds for serving, in the order they are read. */
export const REGISTRY_MODELS: readonly string[] = [...Object.keys(SERVING_MODELS), "ranker"];
