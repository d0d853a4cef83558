import type { ModelRegistry } from "../../ports/model-registry";
import type { VectorIndex } from "../../ports/vector-index";
import { LinearRanker } from "../feed/rank";
import { publishVectors, shortHash, type Log } from "../models/bootstrap";
import {
  covisFromArtifact,
  popularityFromArtifact,
  SessionKnnSource,
  type ServingModels,
  vectorsFromArtifact,
} from "../models/serving-models";

/**
 * The serving set of an experiment arm: the live set with one model's version replaced. The catalog is the
 * live set's own object, so both arms number items alike and their candidates can be interleaved.
 */
export async function loadVariant(
  o: { registry: ModelRegistry; vectors: VectorIndex; log: Log },
  base: ServingModels,
  model: string,
  version: string,
): Promise<ServingModels> {
  const entry = await o.registry.load(model, version);
  const components = { ...base.components };
  const next: ServingModels = { ...base, components };
  switch (model) {
    case "ranker":
      next.ranker = LinearRanker.fromArtifact(entry.artifact, entry.version);
      components.ranker = entry.version;
      break;
    case "covisitation":
      next.covis = covisFromArtifact(entry.artifact, base.catalog);
      components.covisitation = entry.version;
      break;
    case "session-knn":
      next.sknn = SessionKnnSource.fromArtifact(entry.artifact, base.catalog);
      components["session-knn"] = entry.version;
      break;
    case "popularity": {
      const { popularity, trending } = popularityFromArtifact(entry.artifact, base.catalog, base.builtAt, 7);
      next.popularity = popularity;
      next.trending = trending;
      components.popularity = entry.version;
      break;
    }
    case "fism-bpr": {
      const vectorVersion = `fism-${entry.version}`.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
      const vectors = vectorsFromArtifact(entry.artifact, base.catalog, vectorVersion);
      // Its own collection: the live alias stays on the champion's vectors.
      await publishVectors(o.vectors, vectors, base.catalog, o.log, { setLive: false });
      next.vectors = vectors;
      next.vectorNeighbours = undefined;
      components.vectors = vectorVersion;
      break;
    }
    default:
      throw new Error(`model ${model} has no serving variant`);
  }
  next.version = shortHash(Object.values(components).join("|"));
  return next;
}
