/** Leave-one-out ranking metrics (SASRec protocol) shared by training-time validation and the bench. */
import { Rng } from "../../core/rng.js";

export interface RankCase {
  history: Int32Array;
  target: number;
}

/**
 * For each case, `count` negatives drawn uniformly (with replacement, as the SASRec code) from items
 * not in exclude(case) (the user's whole sequence).
 */
export function sampleNegatives(
  cases: readonly RankCase[],
  numItems: number,
  count: number,
  seed: number,
  exclude: (c: RankCase, i: number) => Iterable<number>,
): Int32Array[] {
  const rng = new Rng(seed);
  return cases.map((c, i) => {
    const seen = new Set<number>(exclude(c, i));
    seen.add(c.target);
    const out = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      let x = rng.int(numItems);
      while (seen.has(x)) x = rng.int(numItems);
      out[k] = x;
    }
    return out;
  });
}

export interface HitNdcg {
  hr: number;
  ndcg: number;
  users: number;
}

/** Accumulates HR@k / NDCG@k from 0-based ranks of the target. */
export class RankAccumulator {
  private hits = 0;
  private ndcgSum = 0;
  private n = 0;
  constructor(private readonly k = 10) {}
  add(rank: number): void {
    this.n++;
    if (rank < this.k) {
      this.hits++;
      this.ndcgSum += 1 / Math.log2(rank + 2);
    }
  }
  result(): HitNdcg {
    return { hr: this.hits / Math.max(1, this.n), ndcg: this.ndcgSum / Math.max(1, this.n), users: this.n };
  }
}

/** Rank of scores[0] among scores[1..] (ties count against the target, the pessimistic convention). */
export function rankFirst(scores: Float32Array): number {
  const s0 = scores[0];
  let r = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] >= s0) r++;
  return r;
}
