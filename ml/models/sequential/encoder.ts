/**
 * SASRec encoder forward pass over a batch of unpadded sequences (pre-LayerNorm transformer blocks,
 * single-head causal self-attention, ReLU point-wise FFN, final LayerNorm). Used both for training
 * (with dropout, keeping activations) and for scoring (no dropout). Web-standard only.
 */
import { attention, layerNorm, linear } from "./kernels.js";
import type { Layout } from "./params.js";
import type { Rng } from "../../core/rng.js";

/** Sequences laid out as one token list. */
export interface TokenBatch {
  numSeq: number;
  numTok: number;
  items: Int32Array;
  /** Position index counted from the end (last item = 0), as in SASRec's left-padded input. */
  pos: Int32Array;
  seqStart: Int32Array;
  seqLen: Int32Array;
  /** Offset of each sequence's T×T attention matrix. */
  attOff: Int32Array;
  attTotal: number;
}

/** Builds a TokenBatch from item lists, keeping at most the last maxLen items of each. */
export function makeBatch(seqs: readonly Int32Array[], maxLen: number): TokenBatch {
  const numSeq = seqs.length;
  const seqStart = new Int32Array(numSeq);
  const seqLen = new Int32Array(numSeq);
  const attOff = new Int32Array(numSeq);
  let numTok = 0;
  let attTotal = 0;
  for (let s = 0; s < numSeq; s++) {
    const T = Math.min(seqs[s].length, maxLen);
    seqStart[s] = numTok;
    seqLen[s] = T;
    attOff[s] = attTotal;
    numTok += T;
    attTotal += T * T;
  }
  const items = new Int32Array(numTok);
  const pos = new Int32Array(numTok);
  for (let s = 0; s < numSeq; s++) {
    const src = seqs[s];
    const T = seqLen[s];
    const from = src.length - T;
    for (let t = 0; t < T; t++) {
      items[seqStart[s] + t] = src[from + t];
      pos[seqStart[s] + t] = T - 1 - t;
    }
  }
  return { numSeq, numTok, items, pos, seqStart, seqLen, attOff, attTotal };
}

export interface BlockActs {
  hIn: Float32Array;
  a: Float32Array;
  xhat1: Float32Array;
  rstd1: Float32Array;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  att: Float32Array;
  o: Float32Array;
  m1: Float32Array | null;
  h1: Float32Array;
  c: Float32Array;
  xhat2: Float32Array;
  rstd2: Float32Array;
  f: Float32Array;
  g: Float32Array;
  m2: Float32Array | null;
}

/** All activations of one forward pass (the backward pass reads them). */
export interface Activations {
  m0: Float32Array | null;
  blocks: BlockActs[];
  hOut: Float32Array;
  xhatF: Float32Array;
  rstdF: Float32Array;
  /** Final hidden states [numTok, d]. */
  z: Float32Array;
}

/** Inverted-dropout mask (0 or 1/(1-p)) or null when p = 0. */
function dropMask(n: number, p: number, rng: Rng | null): Float32Array | null {
  if (p <= 0 || rng === null) return null;
  const m = new Float32Array(n);
  const keep = 1 / (1 - p);
  for (let i = 0; i < n; i++) m[i] = rng.next() < p ? 0 : keep;
  return m;
}

function applyMask(x: Float32Array, m: Float32Array | null): void {
  if (m === null) return;
  for (let i = 0; i < x.length; i++) x[i] *= m[i];
}

/** Forward pass. With rng null (or dropout 0) it is deterministic inference. */
export function forward(
  layout: Layout,
  theta: Float32Array,
  batch: TokenBatch,
  dropout: number,
  rng: Rng | null,
): Activations {
  const d = layout.shape.dim;
  const n = batch.numTok;
  const nd = n * d;
  let h = new Float32Array(nd);
  for (let t = 0; t < n; t++) {
    const e = layout.itemEmb + batch.items[t] * d;
    const p = layout.posEmb + batch.pos[t] * d;
    const r = t * d;
    for (let i = 0; i < d; i++) h[r + i] = theta[e + i] + theta[p + i];
  }
  const m0 = dropMask(nd, dropout, rng);
  applyMask(h, m0);
  const blocks: BlockActs[] = [];
  for (const L of layout.blocks) {
    const hIn = h;
    const a = new Float32Array(nd);
    const xhat1 = new Float32Array(nd);
    const rstd1 = new Float32Array(n);
    layerNorm(hIn, n, d, theta, L.ln1g, L.ln1b, a, xhat1, rstd1);
    const q = new Float32Array(nd);
    const k = new Float32Array(nd);
    const v = new Float32Array(nd);
    linear(a, n, d, theta, L.wq, L.bq, d, q);
    linear(a, n, d, theta, L.wk, L.bk, d, k);
    linear(a, n, d, theta, L.wv, L.bv, d, v);
    const att = new Float32Array(batch.attTotal);
    const o = new Float32Array(nd);
    for (let s = 0; s < batch.numSeq; s++) {
      attention(q, k, v, batch.seqStart[s], batch.seqLen[s], d, att, batch.attOff[s], o);
    }
    const m1 = dropMask(nd, dropout, rng);
    const h1 = new Float32Array(nd);
    for (let i = 0; i < nd; i++) h1[i] = hIn[i] + (m1 === null ? o[i] : o[i] * m1[i]);
    const c = new Float32Array(nd);
    const xhat2 = new Float32Array(nd);
    const rstd2 = new Float32Array(n);
    layerNorm(h1, n, d, theta, L.ln2g, L.ln2b, c, xhat2, rstd2);
    const f = new Float32Array(nd);
    linear(c, n, d, theta, L.w1, L.b1, d, f);
    for (let i = 0; i < nd; i++) if (f[i] < 0) f[i] = 0;
    const g = new Float32Array(nd);
    linear(f, n, d, theta, L.w2, L.b2, d, g);
    const m2 = dropMask(nd, dropout, rng);
    const h2 = new Float32Array(nd);
    for (let i = 0; i < nd; i++) h2[i] = h1[i] + (m2 === null ? g[i] : g[i] * m2[i]);
    blocks.push({ hIn, a, xhat1, rstd1, q, k, v, att, o, m1, h1, c, xhat2, rstd2, f, g, m2 });
    h = h2;
  }
  const xhatF = new Float32Array(nd);
  const rstdF = new Float32Array(n);
  const z = new Float32Array(nd);
  layerNorm(h, n, d, theta, layout.lnfG, layout.lnfB, z, xhatF, rstdF);
  return { m0, blocks, hOut: h, xhatF, rstdF, z };
}
