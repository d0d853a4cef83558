import { describe, expect, it } from "vitest";
import type { TrainData } from "../../ml/core/recommender";
import { Rng } from "../../ml/core/rng";
import { topK } from "../../ml/core/topk";
import { SessionKnnRecommender } from "../../ml/models/session-knn";

const N = 400;

/** Sessions walking inside one of 8 item blocks, so neighbours overlap and scores tie sometimes. */
function fixture(): TrainData {
  const rng = new Rng(3);
  const sequences = Array.from({ length: 1500 }, (_, u) => {
    const block = rng.int(8) * 50;
    let k = rng.int(50);
    const items: number[] = [];
    for (let j = 0; j < 3 + rng.int(6); j++) {
      items.push(block + k);
      k = (k + 1 + rng.int(3)) % 50;
    }
    return {
      user: u,
      items: Int32Array.from(items),
      timestamps: Float64Array.from(items, (_, j) => 1_000_000 + u * 100 + j),
    };
  });
  return { numItems: N, numUsers: sequences.length, sequences, itemIds: Array.from({ length: N }, (_, i) => `I${i}`) };
}

async function fitted(params: Record<string, unknown>): Promise<SessionKnnRecommender> {
  const m = new SessionKnnRecommender(params);
  await m.fit(fixture(), { seed: 1 });
  return m;
}

const queries = (): Int32Array[] => {
  const rng = new Rng(5);
  return Array.from({ length: 60 }, () => Int32Array.from({ length: 1 + rng.int(6) }, () => rng.int(N)));
};

describe("session kNN sparse top-k (serving) vs dense scoreAll", () => {
  it("without a prior, returns exactly the dense top-k of the positive scores, exclusions respected", async () => {
    const m = await fitted({ priorWeight: 0, k: 50, sampleSize: 200 });
    for (const history of queries()) {
      const exclude = new Set<number>(history);
      const dense = m.scoreAll({ history });
      const want = Array.from(topK(dense, 20, exclude)).filter((i) => dense[i] > 0);
      const got = m.recommendTopK({ history }, 20, exclude);
      expect(Array.from(got.items)).toEqual(want);
      expect(Array.from(got.scores)).toEqual(want.map((i) => dense[i]));
      for (const i of got.items) expect(exclude.has(i)).toBe(false);
    }
  });

  it("with the default prior, scores are bit-identical to scoreAll and the order matches the dense top-k above the prior", async () => {
    const m = await fitted({ k: 50, sampleSize: 200 });
    const maxPrior = m.params.priorWeight;
    for (const history of queries()) {
      const dense = m.scoreAll({ history });
      const got = m.recommendTopK({ history }, 30);
      got.items.forEach((i, j) => {
        expect(got.scores[j]).toBe(dense[i]);
      });
      // Any dense score above the largest prior has neighbour evidence, so those items lead both lists.
      const denseTop = Array.from(topK(dense, 30)).filter((i) => dense[i] > maxPrior);
      expect(Array.from(got.items).slice(0, denseTop.length)).toEqual(denseTop);
      // Repeating the query gives the same answer: the scratch buffers are reset after each query.
      expect(Array.from(m.recommendTopK({ history }, 30).items)).toEqual(Array.from(got.items));
    }
  });
});
