import { describe, expect, it } from "vitest";
import type { Sequence, TrainData } from "../../../../ml/core/recommender.js";
import { Rng } from "../../../../ml/core/rng.js";
import { SasrecRecommender, type SasrecOptions } from "../../../../ml/models/sequential/sasrec.js";
import { lrFactor } from "../../../../ml/models/sequential/trainer.js";

const N = 30;

/** Planted pattern: item i is always followed by i+1 (mod N). */
function planted(
  users: number,
  seed: number,
): { data: TrainData; validation: { history: Int32Array; target: number }[] } {
  const rng = new Rng(seed);
  const sequences: Sequence[] = [];
  const validation: { history: Int32Array; target: number }[] = [];
  for (let u = 0; u < users; u++) {
    const len = 5 + rng.int(8);
    const start = rng.int(N);
    const items = Int32Array.from({ length: len }, (_, t) => (start + t) % N);
    sequences.push({ user: u, items, timestamps: new Float64Array(len) });
    validation.push({ history: items, target: (start + len) % N });
  }
  const itemIds = Array.from({ length: N }, (_, i) => `item${i}`);
  return { data: { numItems: N, numUsers: users, sequences, itemIds }, validation };
}

const SMALL: Partial<SasrecOptions> = {
  dim: 16,
  blocks: 1,
  maxLen: 10,
  dropout: 0.1,
  negatives: 16,
  lr: 5e-3,
  embLr: 5e-3,
  batchSize: 32,
  maxEpochs: 15,
  evalEvery: 5,
  patience: 10,
  valUsers: 100,
  threads: 1,
};

async function fitSmall(opts: Partial<SasrecOptions>, seed = 1): Promise<SasrecRecommender> {
  const { data, validation } = planted(300, 11);
  const m = new SasrecRecommender({ ...SMALL, ...opts });
  await m.fit(data, { seed, validation });
  return m;
}

/**
 * Share of probes (6 consecutive items of the cycle) whose true next item ranks within the top k of
 * the items outside the history (bce never sees history items as negatives, as in the paper).
 */
function hitRate(m: SasrecRecommender, k = 1): number {
  let hits = 0;
  for (let last = 0; last < N; last++) {
    const history = Int32Array.from({ length: 6 }, (_, t) => (last - 5 + t + N) % N);
    const s = m.scoreAll({ history });
    const own = s[(last + 1) % N];
    let rank = 0;
    for (let j = 0; j < N; j++) if (s[j] > own && !history.includes(j)) rank++;
    if (rank < k) hits++;
  }
  return hits / N;
}

describe("sasrec", () => {
  it("learns a planted next-item pattern (sampled softmax and bce)", async () => {
    // chance level is 1/30 for top-1, 3/30 for top-3
    expect(hitRate(await fitSmall({ loss: "softmax" }))).toBeGreaterThanOrEqual(0.8);
    expect(hitRate(await fitSmall({ loss: "bce", maxEpochs: 30, lr: 1e-2, embLr: 1e-2 }), 3)).toBeGreaterThanOrEqual(
      0.8,
    );
  });

  it("is deterministic under a seed and round-trips through save/load", async () => {
    const a = await fitSmall({ maxEpochs: 3 }, 5);
    const b = await fitSmall({ maxEpochs: 3 }, 5);
    const c = await fitSmall({ maxEpochs: 3 }, 6);
    const ta = a.save().blobs.theta;
    expect(Array.from(b.save().blobs.theta)).toEqual(Array.from(ta));
    expect(Array.from(c.save().blobs.theta)).not.toEqual(Array.from(ta));
    const loaded = SasrecRecommender.load(a.save());
    const q = { history: Int32Array.from([3, 4, 5]) };
    expect(Array.from(loaded.scoreAll(q))).toEqual(Array.from(a.scoreAll(q)));
    const cand = Int32Array.from([6, 0, 29]);
    expect(Array.from(loaded.scoreCandidates(q, cand))).toEqual(Array.from(a.scoreCandidates(q, cand)));
    expect(Array.from(loaded.scoreCandidates(q, cand))).toEqual([6, 0, 29].map((i) => a.scoreAll(q)[i]));
  });

  it("trains on two worker threads, deterministically", async () => {
    const a = await fitSmall({ threads: 2, maxEpochs: 10 }, 3);
    const b = await fitSmall({ threads: 2, maxEpochs: 10 }, 3);
    expect(Array.from(b.save().blobs.theta)).toEqual(Array.from(a.save().blobs.theta));
    expect(hitRate(a)).toBeGreaterThanOrEqual(0.8);
  });

  it("scores empty or unknown histories without throwing", async () => {
    const m = await fitSmall({ maxEpochs: 1 });
    expect(m.scoreAll({ history: new Int32Array(0) }).length).toBe(N);
    expect(m.scoreAll({ history: Int32Array.from([-1, 999, 2]) }).length).toBe(N);
  });

  it("decays the learning rate on a schedule (cosine, linear) down to lrMin", () => {
    expect(lrFactor("constant", 0.05, 7, 10)).toBe(1);
    expect(lrFactor("cosine", 0.05, 0, 10)).toBe(1);
    expect(lrFactor("cosine", 0.05, 5, 10)).toBeCloseTo(0.525, 10);
    expect(lrFactor("cosine", 0.05, 10, 10)).toBeCloseTo(0.05, 10);
    expect(lrFactor("linear", 0, 2.5, 10)).toBeCloseTo(0.75, 10);
    expect(lrFactor("linear", 0.1, 20, 10)).toBeCloseTo(0.1, 10);
  });

  it("still learns the pattern with a cosine schedule and weight decay", async () => {
    expect(hitRate(await fitSmall({ lrSchedule: "cosine", weightDecay: 0.01 }))).toBeGreaterThanOrEqual(0.8);
  });

  it("refits without validation as configured: scratch for the chosen epochs, warm, or keep", async () => {
    const { data } = planted(300, 11);
    const keep = await fitSmall({ maxEpochs: 6, evalEvery: 1, refit: "keep" }, 2);
    const before = Array.from(keep.save().blobs.theta);
    const chosen = keep.lastReport!.bestEpoch;
    expect(chosen).toBeGreaterThan(0);
    await keep.fit(data, { seed: 2 });
    expect(Array.from(keep.save().blobs.theta)).toEqual(before);

    // same data, seed and epochs: scratch reproduces the first fit exactly; on other data it differs
    const scratch = await fitSmall({ maxEpochs: 6, evalEvery: 1, refit: "scratch" }, 2);
    await scratch.fit(data, { seed: 2 });
    if (chosen === 6) expect(Array.from(scratch.save().blobs.theta)).toEqual(before);
    await scratch.fit(planted(300, 12).data, { seed: 2 });
    expect(scratch.lastReport!.epochs).toBe(chosen);
    expect(scratch.lastReport!.bestEpoch).toBe(chosen); // kept for the next refit
    expect(Array.from(scratch.save().blobs.theta)).not.toEqual(before);

    const warm = await fitSmall({ maxEpochs: 6, evalEvery: 1, refit: "warm", refitEpochs: 1, lrSchedule: "cosine" }, 2);
    await warm.fit(data, { seed: 2 });
    expect(warm.lastReport!.epochs).toBe(1);
    expect(hitRate(warm)).toBeGreaterThanOrEqual(0.8);
  });

  it("ensembles members with their own seeds: member 1 is the single model, scores are the members' mean", async () => {
    const single = await fitSmall({ maxEpochs: 4 }, 7);
    const pair = await fitSmall({ maxEpochs: 4, ensemble: 2 }, 7);
    const again = await fitSmall({ maxEpochs: 4, ensemble: 2 }, 7);
    const blobs = pair.save().blobs;
    expect(Array.from(blobs.theta)).toEqual(Array.from(single.save().blobs.theta));
    expect(Array.from(blobs.theta1)).not.toEqual(Array.from(blobs.theta));
    expect(Array.from(again.save().blobs.theta1)).toEqual(Array.from(blobs.theta1));
    expect(pair.reports).toHaveLength(2);

    const loaded = SasrecRecommender.load(pair.save());
    const second = SasrecRecommender.load({
      ...pair.save(),
      params: { ...pair.save().params, ensemble: 1 },
      blobs: { theta: blobs.theta1 },
    });
    const q = { history: Int32Array.from([3, 4, 5]) };
    const a = single.scoreAll(q);
    const b = second.scoreAll(q);
    const mean = Array.from(loaded.scoreAll(q));
    mean.forEach((x, j) => {
      expect(x).toBeCloseTo((a[j] + b[j]) / 2, 5);
    });
    expect(hitRate(pair)).toBeGreaterThanOrEqual(0.8);

    const { theta1: _, ...missing } = blobs;
    expect(() => SasrecRecommender.load({ ...pair.save(), blobs: missing })).toThrow(/member 1 missing/);
    expect(() => new SasrecRecommender({ ensemble: 0 })).toThrow(/ensemble/);

    // a refit (no validation) continues every member from its own weights
    const warm = await fitSmall({ maxEpochs: 4, evalEvery: 1, ensemble: 2, refit: "warm", refitEpochs: 1 }, 7);
    const chosen = warm.reports.map((r) => r.bestEpoch);
    await warm.fit(planted(300, 11).data, { seed: 7 });
    expect(warm.reports.map((r) => r.epochs)).toEqual([1, 1]);
    expect(warm.reports.map((r) => r.bestEpoch)).toEqual(chosen);
    expect(hitRate(warm)).toBeGreaterThanOrEqual(0.8);
  });
});
