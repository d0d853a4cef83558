/** Backward pass of the encoder (manual reverse mode of encoder.ts), accumulating into a gradient buffer. */
import type { Activations, TokenBatch } from "./encoder.js";
import { attentionBackward, layerNormBackward, linearBackward } from "./kernels.js";
import type { Layout } from "./params.js";

/** Item-embedding rows that received gradient (for lazy, sparse Adam and cheap zeroing). */
export class TouchedRows {
  readonly flag: Uint8Array;
  readonly list: Int32Array;
  count = 0;
  constructor(numItems: number, flag?: Uint8Array, list?: Int32Array) {
    this.flag = flag ?? new Uint8Array(numItems);
    this.list = list ?? new Int32Array(numItems);
  }
  add(row: number): void {
    if (this.flag[row] === 0) {
      this.flag[row] = 1;
      this.list[this.count++] = row;
    }
  }
  clear(): void {
    for (let i = 0; i < this.count; i++) this.flag[this.list[i]] = 0;
    this.count = 0;
  }
}

function mul(x: Float32Array, m: Float32Array | null): Float32Array {
  if (m === null) return x.slice();
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] * m[i];
  return y;
}

/** Given dz = ∂L/∂z, accumulates all parameter gradients into grad. */
export function backward(
  layout: Layout,
  theta: Float32Array,
  grad: Float32Array,
  batch: TokenBatch,
  acts: Activations,
  dz: Float32Array,
  touched: TouchedRows,
): void {
  const d = layout.shape.dim;
  const n = batch.numTok;
  const nd = n * d;
  let dh = new Float32Array(nd);
  layerNormBackward(dz, acts.xhatF, acts.rstdF, n, d, theta, grad, layout.lnfG, layout.lnfB, dh);
  let maxT = 1;
  for (let s = 0; s < batch.numSeq; s++) maxT = Math.max(maxT, batch.seqLen[s]);
  const scratch = new Float32Array(maxT);
  for (let b = layout.blocks.length - 1; b >= 0; b--) {
    const L = layout.blocks[b];
    const A = acts.blocks[b];
    // h2 = h1 + m2 ⊙ (relu(c·W1 + b1)·W2 + b2), c = LN2(h1)
    const dg = mul(dh, A.m2);
    const df = new Float32Array(nd);
    linearBackward(A.f, dg, n, d, d, theta, grad, L.w2, L.b2, df);
    for (let i = 0; i < nd; i++) if (A.f[i] <= 0) df[i] = 0;
    const dc = new Float32Array(nd);
    linearBackward(A.c, df, n, d, d, theta, grad, L.w1, L.b1, dc);
    const dh1 = dh; // residual path: dh1 = dh + LN2ᵀ(dc)
    layerNormBackward(dc, A.xhat2, A.rstd2, n, d, theta, grad, L.ln2g, L.ln2b, dh1);
    // h1 = h0 + m1 ⊙ attn(q, k, v), q|k|v = LN1(h0)·W + b
    const dout = mul(dh1, A.m1);
    const dq = new Float32Array(nd);
    const dk = new Float32Array(nd);
    const dv = new Float32Array(nd);
    for (let s = 0; s < batch.numSeq; s++) {
      attentionBackward(
        dout,
        A.q,
        A.k,
        A.v,
        batch.seqStart[s],
        batch.seqLen[s],
        d,
        A.att,
        batch.attOff[s],
        dq,
        dk,
        dv,
        scratch,
      );
    }
    const da = new Float32Array(nd);
    linearBackward(A.a, dq, n, d, d, theta, grad, L.wq, L.bq, da);
    linearBackward(A.a, dk, n, d, d, theta, grad, L.wk, L.bk, da);
    linearBackward(A.a, dv, n, d, d, theta, grad, L.wv, L.bv, da);
    layerNormBackward(da, A.xhat1, A.rstd1, n, d, theta, grad, L.ln1g, L.ln1b, dh1);
    dh = dh1;
  }
  // input: h0 = m0 ⊙ (E[item] + P[pos])
  const m0 = acts.m0;
  for (let t = 0; t < n; t++) {
    const item = batch.items[t];
    touched.add(item);
    const e = layout.itemEmb + item * d;
    const p = layout.posEmb + batch.pos[t] * d;
    const r = t * d;
    for (let i = 0; i < d; i++) {
      const g = m0 === null ? dh[r + i] : dh[r + i] * m0[r + i];
      grad[e + i] += g;
      grad[p + i] += g;
    }
  }
}
