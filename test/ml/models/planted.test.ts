import { describe, expect, it } from "vitest";
import type { Recommender, TrainData } from "../../../ml/core/recommender.js";
import { HashingEmbedder } from "../../../src/adapters/embedder/hashing.js";
import { ContentRecommender } from "../../../ml/models/content.js";
import { CovisitationRecommender } from "../../../ml/models/covisitation.js";
import { FismBprRecommender } from "../../../ml/models/fism-bpr.js";
import { HybridRecommender } from "../../../ml/models/hybrid.js";
import { PopularityRecommender } from "../../../ml/models/popularity.js";
import { PureSvdRecommender } from "../../../ml/models/pure-svd.js";
import { SessionKnnRecommender } from "../../../ml/models/session-knn.js";
import { plantedChains, rankOf } from "../fixtures/synthetic.js";

const data = plantedChains({ users: 600, chains: 12, chainLength: 8, seed: 11 });

/** Mean rank of the true next item over queries "chain prefix -> next chain item". */
function meanNextRank(model: Recommender, d: TrainData): number {
  let total = 0;
  let n = 0;
  for (let chain = 0; chain < 12; chain++) {
    for (let pos = 1; pos < 7; pos++) {
      const base = chain * 8;
      const history = Int32Array.from({ length: pos }, (_, j) => base + j);
      const scores = model.scoreAll({ history });
      for (const h of history) scores[h] = Number.NEGATIVE_INFINITY;
      total += rankOf(scores, base + pos);
      n++;
    }
  }
  expect(d.numItems).toBe(96);
  return total / n;
}

describe("sequential models recover planted chains", () => {
  // 96 items: a random guess ranks the true next item ~45th; popularity cannot know the chain.
  it.each([
    ["covisitation", () => new CovisitationRecommender()],
    ["session-knn", () => new SessionKnnRecommender()],
    ["fism-bpr", () => new FismBprRecommender({ epochs: 15, learningRate: 0.3, l2: 1e-5, dim: 16 })],
    ["pure-svd", () => new PureSvdRecommender({ dim: 16 })],
  ])("%s ranks the next chain item near the top", async (modelName, make) => {
    const model = make();
    await model.fit(data, { seed: 1 });
    expect(meanNextRank(model, data)).toBeLessThan(modelName === "pure-svd" ? 8 : 3);
  });

  it("co-visitation weights the following item above the preceding one", async () => {
    const model = new CovisitationRecommender();
    await model.fit(data, { seed: 1 });
    const scores = model.scoreAll({ history: Int32Array.from([3]) });
    expect(scores[4]).toBeGreaterThan(scores[2]);
  });
});

describe("popularity with time decay", () => {
  it("prefers the recently popular item over the formerly popular one", async () => {
    const day = 86_400_000;
    const seqs = [
      ...Array.from({ length: 10 }, (_, u) => ({
        user: u,
        items: Int32Array.from([0]),
        timestamps: Float64Array.from([day]),
      })),
      ...Array.from({ length: 6 }, (_, u) => ({
        user: 10 + u,
        items: Int32Array.from([1]),
        timestamps: Float64Array.from([400 * day]),
      })),
    ];
    const d: TrainData = { numItems: 3, numUsers: 16, sequences: seqs, itemIds: ["a", "b", "c"] };
    const decayed = new PopularityRecommender({ halfLifeDays: 30 });
    await decayed.fit(d, { seed: 1 });
    const s = decayed.scoreAll({ history: new Int32Array(0) });
    expect(s[1]).toBeGreaterThan(s[0]);
    expect(s[2]).toBe(0);
    const plain = new PopularityRecommender({ halfLifeDays: 0 });
    await plain.fit(d, { seed: 1 });
    const p = plain.scoreAll({ history: new Int32Array(0) });
    expect(p[0]).toBeGreaterThan(p[1]);
  });
});

describe("content model", () => {
  it("recommends items whose text matches the history", async () => {
    const itemText = [
      "red gaming mouse",
      "red gaming keyboard",
      "blue garden hose",
      "blue garden shovel",
      "red gaming headset",
    ];
    const d: TrainData = {
      numItems: 5,
      numUsers: 1,
      sequences: [{ user: 0, items: Int32Array.from([0, 2]), timestamps: new Float64Array(2) }],
      itemIds: ["a", "b", "c", "d", "e"],
      itemText,
    };
    const model = new ContentRecommender(new HashingEmbedder(128), { priorWeight: 0 });
    await model.fit(d, { seed: 1 });
    const s = model.scoreAll({ history: Int32Array.from([0]) });
    expect(s[1]).toBeGreaterThan(s[2]);
    expect(s[4]).toBeGreaterThan(s[3]);
  });

  it("fails clearly without item text", async () => {
    await expect(new ContentRecommender(new HashingEmbedder(8)).fit(data, { seed: 1 })).rejects.toThrow(/no item text/);
  });
});

describe("hybrid", () => {
  it("learns to weight the informative component over an uninformative one", async () => {
    const validation = [];
    for (let chain = 0; chain < 12; chain++) {
      for (let pos = 1; pos < 7; pos++) {
        const base = chain * 8;
        validation.push({ history: Int32Array.from({ length: pos }, (_, j) => base + j), target: base + pos });
      }
    }
    const hybrid = new HybridRecommender([new PopularityRecommender(), new CovisitationRecommender()], {
      poolSize: 20,
    });
    await hybrid.fit(data, { seed: 1, validation });
    expect(hybrid.weights[1]).toBeGreaterThan(hybrid.weights[0]);
    expect(hybrid.validationReport.hybrid).toBeGreaterThanOrEqual(hybrid.validationReport.covisitation);
    expect(hybrid.validationReport.covisitation).toBeGreaterThan(hybrid.validationReport.popularity);
    expect(meanNextRank(hybrid, data)).toBeLessThan(3);
  });
});
