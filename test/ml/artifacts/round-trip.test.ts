import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadArtifact, saveArtifact } from "../../../ml/artifacts/artifact-store.js";
import type { Recommender } from "../../../ml/core/recommender.js";
import { HashingEmbedder } from "../../../src/adapters/embedder/hashing.js";
import { createModel, loadModel } from "../../../ml/models/index.js";
import { plantedChains } from "../fixtures/synthetic.js";

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

describe("artifact save/load round-trip", () => {
  it.each(["popularity", "covisitation", "session-knn", "fism-bpr", "pure-svd", "content", "hybrid"])(
    "%s scores identically after save -> disk -> load",
    async (name) => {
      const model = await fitted(name);
      const dir = mkdtempSync(join(tmpdir(), `ml-artifact-${name}-`));
      const manifest = saveArtifact(dir, model.save(), "v1");
      expect(manifest.model).toBe(name);
      const loaded = loadModel(loadArtifact(dir));
      for (const history of queries) {
        expect(Array.from(loaded.scoreAll({ history }))).toEqual(Array.from(model.scoreAll({ history })));
        const cands = Int32Array.from([3, 1, 4]);
        expect(Array.from(loaded.scoreCandidates({ history }, cands))).toEqual(
          Array.from(model.scoreCandidates({ history }, cands)),
        );
      }
      expect(loadArtifact(dir).itemIds).toEqual(data.itemIds);
    },
  );

  it("rejects a corrupted blob", async () => {
    const model = await fitted("covisitation");
    const dir = mkdtempSync(join(tmpdir(), "ml-artifact-corrupt-"));
    const manifest = saveArtifact(dir, model.save(), "v1");
    const file = join(dir, manifest.blobs.weights.file);
    const bytes = readFileSync(file);
    bytes[0] ^= 0xff;
    writeFileSync(file, bytes);
    expect(() => loadArtifact(dir)).toThrow(/checksum mismatch/);
  });

  it("fitting is deterministic under the seed", async () => {
    const a = await fitted("fism-bpr");
    const b = await fitted("fism-bpr");
    expect(Array.from(a.scoreAll({ history: queries[0] }))).toEqual(Array.from(b.scoreAll({ history: queries[0] })));
  });
});
