/**
 * SASRec parameters live in one flat Float32Array (one buffer to share between threads, save and
 * update). Item embeddings come first (rows updated sparsely); everything after `denseStart` is
 * small and updated densely.
 */
import { Rng } from "../../core/rng.js";

export interface SasrecShape {
  numItems: number;
  dim: number;
  blocks: number;
  maxLen: number;
}

export interface BlockLayout {
  ln1g: number;
  ln1b: number;
  wq: number;
  bq: number;
  wk: number;
  bk: number;
  wv: number;
  bv: number;
  ln2g: number;
  ln2b: number;
  w1: number;
  b1: number;
  w2: number;
  b2: number;
}

export interface Layout {
  shape: SasrecShape;
  itemEmb: number;
  posEmb: number;
  blocks: BlockLayout[];
  lnfG: number;
  lnfB: number;
  denseStart: number;
  total: number;
}

export function makeLayout(shape: SasrecShape): Layout {
  const d = shape.dim;
  let off = 0;
  const take = (n: number): number => {
    const o = off;
    off += n;
    return o;
  };
  const itemEmb = take(shape.numItems * d);
  const denseStart = off;
  const posEmb = take(shape.maxLen * d);
  const blocks: BlockLayout[] = [];
  for (let b = 0; b < shape.blocks; b++) {
    blocks.push({
      ln1g: take(d),
      ln1b: take(d),
      wq: take(d * d),
      bq: take(d),
      wk: take(d * d),
      bk: take(d),
      wv: take(d * d),
      bv: take(d),
      ln2g: take(d),
      ln2b: take(d),
      w1: take(d * d),
      b1: take(d),
      w2: take(d * d),
      b2: take(d),
    });
  }
  const lnfG = take(d);
  const lnfB = take(d);
  return { shape, itemEmb, posEmb, blocks, lnfG, lnfB, denseStart, total: off };
}

/**
 * Xavier-style init for matrices, ones for LayerNorm gains, zeros for biases. Embeddings start small
 * (embStd): a row only moves when its item is in a batch, about lr per Adam step, so a small start
 * lets item embeddings become informative in a few epochs instead of hundreds.
 */
export function initParams(layout: Layout, theta: Float32Array, seed: number, embStd = 0.02): void {
  const rng = new Rng(seed);
  const d = layout.shape.dim;
  const fill = (off: number, n: number, std: number): void => {
    for (let i = 0; i < n; i++) theta[off + i] = rng.normal() * std;
  };
  theta.fill(0);
  fill(layout.itemEmb, layout.shape.numItems * d, embStd);
  fill(layout.posEmb, layout.shape.maxLen * d, embStd);
  for (const b of layout.blocks) {
    for (const w of [b.wq, b.wk, b.wv, b.w1, b.w2]) fill(w, d * d, Math.sqrt(1 / d));
    theta.fill(1, b.ln1g, b.ln1g + d);
    theta.fill(1, b.ln2g, b.ln2g + d);
  }
  theta.fill(1, layout.lnfG, layout.lnfG + d);
}
