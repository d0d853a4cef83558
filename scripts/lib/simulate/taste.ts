/**
 * Hidden tastes of simulated shoppers: latent preference vectors. Every shopper, every category and every item
 * get a unit vector drawn from a stream seeded by (run seed, their id), so nothing needs the catalog up front
 * (it works on the demo catalog or a replayed data set's items) and the same seed gives the same tastes.
 *
 *   affinity(shopper, item) = σ(categoryWeight · ⟨s, c_category⟩ + itemWeight · ⟨s, v_item⟩ + bias)
 *
 * The category term makes tastes coherent (a shopper who likes one headphone likes headphones); the item term
 * gives idiosyncratic likes within a category; the bias sets how choosy shoppers are on average.
 */
import { hashSeed, mulberry32, unitVector } from "./rng";

export interface TasteParams {
  dim: number;
  categoryWeight: number;
  itemWeight: number;
  bias: number;
}

export const DEFAULT_TASTE: TasteParams = { dim: 8, categoryWeight: 4, itemWeight: 1.5, bias: -2.5 };

/** What the simulator sees of an item (from the feed response). */
export interface SeenItem {
  productId: string;
  category: string;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export class TasteModel {
  private readonly vectors = new Map<string, Float64Array>();

  constructor(
    readonly seed: number,
    readonly params: TasteParams = DEFAULT_TASTE,
  ) {}

  private vector(key: string): Float64Array {
    let v = this.vectors.get(key);
    if (!v) {
      v = unitVector(mulberry32(hashSeed(key, this.seed)), this.params.dim);
      this.vectors.set(key, v);
    }
    return v;
  }

  /** Probability in (0, 1) that the shopper likes the item once they look at it. */
  affinity(shopper: string, item: SeenItem): number {
    const s = this.vector(`s:${shopper}`);
    const p = this.params;
    return sigmoid(
      p.categoryWeight * dot(s, this.vector(`c:${item.category}`)) +
        p.itemWeight * dot(s, this.vector(`i:${item.productId}`)) +
        p.bias,
    );
  }
}
