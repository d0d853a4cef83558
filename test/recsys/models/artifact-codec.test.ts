import { describe, expect, it } from "vitest";
import type { Recommender } from "../../../ml/core/recommender.js";
import { HashingEmbedder } from "../../../src/adapters/embedder/hashing.js";
import { createModel, loadModel } from "../../../ml/models/index.js";
import {
  ArtifactCorruptError,
  decodeArtifact,
  encodeArtifact,
  manifestSchema,
} from "../../../src/recsys/models/artifact-codec";
import { plantedChains } from "../../ml/fixtures/synthetic.js";

// The registry's byte format (both adapters store what encodeArtifact makes): every model type must score
// bit-identically after a trip through manifest JSON and a fresh payload buffer.
const data = { ...plantedChains({ users: 200, chains: 6, chainLength: 6, seed: 3 }) };
data.itemText = data.itemIds.map((id, i) => `chain ${Math.floor(i / 6)} product ${id}`);
const validation = Array.from({ length: 30 }, (_, n) => ({ history: Int32Array.from([n % 36]), target: (n % 36) + 1 }));
const queries = [Int32Array.from([0, 1]), Int32Array.from([7]), Int32Array.from([12, 13, 14]), new Int32Array(0)];

async function fitted(name: string): Promise<Recommender> {
  const model = createModel(name, {
    params: {
      "fism-bpr": { epochs: 2, dim: 8 },
      "pure-svd": { dim: 8 },
      hybrid: { components: "popularity+covisitation+session-knn+content" },
    },
    embedder: () => new HashingEmbedder(32),
  });
  await model.fit(data, { seed: 5, validation });
  return model;
}

function roundTrip(model: Recommender) {
  const { manifest, payload } = encodeArtifact(model.save());
  const parsed = manifestSchema.parse(JSON.parse(JSON.stringify(manifest)));
  return decodeArtifact(parsed, payload.slice(), "v1", "test");
}

describe("artifact codec round-trip", () => {
  it.each(["popularity", "covisitation", "session-knn", "fism-bpr", "pure-svd", "content", "hybrid"])(
    "%s scores identically after encode -> bytes -> decode",
    async (name) => {
      const model = await fitted(name);
      const artifact = roundTrip(model);
      expect(artifact.model).toBe(name);
      expect(artifact.version).toBe("v1");
      expect(artifact.itemIds).toEqual(data.itemIds);
      const loaded = loadModel(artifact);
      for (const history of queries) {
        expect(Array.from(loaded.scoreAll({ history }))).toEqual(Array.from(model.scoreAll({ history })));
        const cands = Int32Array.from([3, 1, 4]);
        expect(Array.from(loaded.scoreCandidates({ history }, cands))).toEqual(
          Array.from(model.scoreCandidates({ history }, cands)),
        );
      }
    },
  );

  it("refuses a payload whose length disagrees with its manifest", async () => {
    const { manifest, payload } = encodeArtifact((await fitted("covisitation")).save());
    expect(() => decodeArtifact(manifest, payload.slice(1), "v1", "test")).toThrow(ArtifactCorruptError);
  });

  it("fitting is deterministic under the seed", async () => {
    const a = await fitted("fism-bpr");
    const b = await fitted("fism-bpr");
    expect(Array.from(a.scoreAll({ history: queries[0] }))).toEqual(Array.from(b.scoreAll({ history: queries[0] })));
  });
});
