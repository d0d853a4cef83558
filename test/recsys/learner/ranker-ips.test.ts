import { describe, expect, it } from "vitest";
import { Rng } from "../../../ml/core/rng";
import { decodeFeatures, encodeFeatures } from "../../../src/recsys/feed/feature-codec";
import { FEATURES, NUM_FEATURES } from "../../../src/recsys/feed/features";
import { LinearRanker } from "../../../src/recsys/feed/rank";
import { estimatePropensities } from "../../../src/recsys/learner/propensity";
import {
  evaluateRanker,
  fitRanker,
  pagePropensities,
  type ImpressionPage,
} from "../../../src/recsys/learner/ranker-learn";

/**
 * Synthetic logs with a known position bias: P(click) = theta(position) x relevance(item), theta = 1/(1+k).
 * Relevance rises with feature A and falls with feature B, but the logging ranker orders every page by B,
 * so the items people see first (and click most) are the ones they like less: a fit that ignores position
 * learns to like B. The IPS fit must recover the true order.
 */
const A = FEATURES.indexOf("rating");
const B = FEATURES.indexOf("popularity");
const ITEMS = 300;
const PAGE = 20;

function syntheticLogs(pages: number, seed: number) {
  const rng = new Rng(seed);
  const a = Float64Array.from({ length: ITEMS }, () => rng.next());
  const b = Float64Array.from({ length: ITEMS }, () => rng.next());
  const relevance = Float64Array.from(a, (ai, i) => 1 / (1 + Math.exp(-(4 * ai - 3 * b[i] - 0.5))));
  const out: ImpressionPage[] = [];
  for (let p = 0; p < pages; p++) {
    const chosen = new Set<number>();
    while (chosen.size < PAGE) chosen.add(rng.int(ITEMS));
    const items = [...chosen].sort((x, y) => b[y] + 0.05 * (rng.next() - 0.5) - b[x]);
    const x = new Float32Array(PAGE * NUM_FEATURES);
    const gains: number[] = [];
    items.forEach((i, k) => {
      x[k * NUM_FEATURES + A] = a[i];
      x[k * NUM_FEATURES + B] = b[i];
      gains.push(rng.next() < relevance[i] / (1 + k) ? 1 : 0);
    });
    out.push({ seq: p + 1, ts: p, actor: `s:${p}`, items, positions: items.map((_, k) => k), x, gains });
  }
  return { pages: out, relevance, a, b };
}

/** Share of item pairs a ranker orders as their true relevance does. */
function pairAccuracy(r: LinearRanker, a: Float64Array, b: Float64Array, relevance: Float64Array): number {
  const x = new Float32Array(NUM_FEATURES);
  const s = Array.from(a, (ai, i) => {
    x[A] = ai;
    x[B] = b[i];
    return r.logit(x);
  });
  let right = 0;
  let total = 0;
  for (let i = 0; i < ITEMS; i++)
    for (let j = i + 1; j < ITEMS; j++) {
      if (Math.abs(relevance[i] - relevance[j]) < 0.02) continue;
      total++;
      if (Math.sign(s[i] - s[j]) === Math.sign(relevance[i] - relevance[j])) right++;
    }
  return right / total;
}

describe("feed ranker from logged impressions, position-bias corrected", () => {
  const { pages, relevance, a, b } = syntheticLogs(6000, 11);
  const zero = new LinearRanker("zero", new Float32Array(NUM_FEATURES), 0);

  it("the click model recovers the logging position bias", () => {
    const p = pagePropensities(pages);
    expect(p[0]).toBe(1);
    for (const k of [1, 3, 5, 10, 19]) expect(Math.abs(p[k] - 1 / (1 + k))).toBeLessThan(0.06);
  });

  it("the IPS fit recovers the true preference order; the uncorrected fit does not", () => {
    const propensity = pagePropensities(pages);
    const ips = fitRanker(pages, propensity, zero, "ips", { l2: 1e-4 }).ranker;
    const naive = fitRanker(pages, propensity, zero, "naive", { l2: 1e-4, ips: false }).ranker;
    expect(ips.weights[A]).toBeGreaterThan(0);
    expect(ips.weights[B]).toBeLessThan(0); // people prefer low B
    expect(naive.weights[B]).toBeGreaterThan(0); // fooled by position: B was always on top
    const accIps = pairAccuracy(ips, a, b, relevance);
    const accNaive = pairAccuracy(naive, a, b, relevance);
    expect(accIps).toBeGreaterThan(0.9);
    expect(accNaive).toBeLessThan(accIps - 0.2);
    // The IPS estimate of NDCG on held-out logs agrees.
    const test = syntheticLogs(1000, 12).pages;
    expect(evaluateRanker(test, propensity, ips).ndcg).toBeGreaterThan(evaluateRanker(test, propensity, naive).ndcg);
  });

  it("with few labelled pages the fit stays near the prior (the committed cold-start weights)", () => {
    const prior = new LinearRanker(
      "prior",
      Float32Array.from({ length: NUM_FEATURES }, (_, f) => (f % 3) / 3),
      0.5,
    );
    const few = fitRanker(pages.slice(0, 5), pagePropensities(pages.slice(0, 5)), prior, "few", { l2: 1 }).ranker;
    let moved = 0;
    for (let f = 0; f < NUM_FEATURES; f++) moved = Math.max(moved, Math.abs(few.weights[f] - prior.weights[f]));
    expect(moved).toBeLessThan(0.5);
    expect(few.bias).toBe(0.5);
    expect(fitRanker([], new Float64Array([1]), prior, "none").ranker).toBe(prior);
  });

  it("propensities are floored, and positions never observed take the one above them", () => {
    const p = estimatePropensities(
      [
        { item: 1, position: 0, clicked: true },
        { item: 1, position: 3, clicked: false },
        { item: 2, position: 3, clicked: false },
      ],
      { positions: 6, minPropensity: 0.1 },
    );
    expect(p[0]).toBe(1);
    expect(p[1]).toBe(1);
    expect(p[3]).toBeGreaterThanOrEqual(0.1);
    expect(p[5]).toBe(p[3]);
  });

  it("logged features round-trip within the codec's step, and malformed ones are refused", () => {
    const x = Float32Array.from({ length: NUM_FEATURES }, (_, f) => Math.sin(f) * 1.2);
    const back = decodeFeatures(encodeFeatures(x), NUM_FEATURES);
    expect(back).not.toBeNull();
    x.forEach((v, f) => {
      expect(Math.abs((back as Float32Array)[f] - Math.max(-1, Math.min(1, v)))).toBeLessThan(0.5 / 127 + 1e-6);
    });
    expect(decodeFeatures("not base64!", NUM_FEATURES)).toBeNull();
    expect(decodeFeatures(encodeFeatures(x), NUM_FEATURES + 1)).toBeNull();
  });
});
