/**
 * Output losses over the shared item embedding (SASRec ties input and output embeddings).
 * - "bce": the paper's loss, one uniformly sampled negative per position.
 * - "softmax": sampled softmax over the positive and K uniform negatives shared by the whole batch;
 *   many negatives per position give a much stronger signal per epoch, which matters on a 15-minute
 *   CPU budget. Uniform sampling needs no logQ correction (its log-probability is a constant).
 */
import type { TouchedRows } from "./backward.js";
import { matmulNT, transpose } from "./kernels.js";
import type { Layout } from "./params.js";

export type LossKind = "bce" | "softmax";

export interface LossInput {
  z: Float32Array;
  numTok: number;
  targets: Int32Array;
  /** softmax: shared negatives (any length); bce: one negative per token. */
  negatives: Int32Array;
  /** Divides the summed loss (the batch's total token count across threads). */
  norm: number;
}

/** Returns the summed (un-normalised) loss; writes dz and accumulates output-embedding gradients. */
export function lossAndGrad(
  kind: LossKind,
  layout: Layout,
  theta: Float32Array,
  grad: Float32Array,
  inp: LossInput,
  dz: Float32Array,
  touched: TouchedRows,
): number {
  return kind === "bce"
    ? bce(layout, theta, grad, inp, dz, touched)
    : sampledSoftmax(layout, theta, grad, inp, dz, touched);
}

function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[ao + i] * b[bo + i];
  return s;
}

/** Stable log(1 + e^x). */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function accumulate(
  layout: Layout,
  theta: Float32Array,
  grad: Float32Array,
  dz: Float32Array,
  z: Float32Array,
  t: number,
  item: number,
  coef: number,
): void {
  const d = layout.shape.dim;
  const e = layout.itemEmb + item * d;
  const r = t * d;
  for (let i = 0; i < d; i++) {
    dz[r + i] += coef * theta[e + i];
    grad[e + i] += coef * z[r + i];
  }
}

function bce(
  layout: Layout,
  theta: Float32Array,
  grad: Float32Array,
  inp: LossInput,
  dz: Float32Array,
  touched: TouchedRows,
): number {
  const d = layout.shape.dim;
  let loss = 0;
  const inv = 1 / inp.norm;
  for (let t = 0; t < inp.numTok; t++) {
    const pos = inp.targets[t];
    const neg = inp.negatives[t];
    const lp = dot(inp.z, t * d, theta, layout.itemEmb + pos * d, d);
    const ln = dot(inp.z, t * d, theta, layout.itemEmb + neg * d, d);
    loss += softplus(-lp) + softplus(ln);
    touched.add(pos);
    touched.add(neg);
    accumulate(layout, theta, grad, dz, inp.z, t, pos, (1 / (1 + Math.exp(-lp)) - 1) * inv);
    accumulate(layout, theta, grad, dz, inp.z, t, neg, (1 / (1 + Math.exp(-ln))) * inv);
  }
  return loss;
}

/** Shared negatives make the loss three small matrix products (logits, ∂z, ∂E_neg). */
function sampledSoftmax(
  layout: Layout,
  theta: Float32Array,
  grad: Float32Array,
  inp: LossInput,
  dz: Float32Array,
  touched: TouchedRows,
): number {
  const d = layout.shape.dim;
  const negs = inp.negatives;
  const K = negs.length;
  const n = inp.numTok;
  const z = inp.z;
  const en = new Float32Array(K * d);
  for (let k = 0; k < K; k++) {
    touched.add(negs[k]);
    en.set(theta.subarray(layout.itemEmb + negs[k] * d, layout.itemEmb + negs[k] * d + d), k * d);
  }
  const logits = new Float32Array(n * K);
  matmulNT(z, en, n, K, d, logits);
  let loss = 0;
  const inv = 1 / inp.norm;
  for (let t = 0; t < n; t++) {
    const pos = inp.targets[t];
    touched.add(pos);
    const lp = dot(z, t * d, theta, layout.itemEmb + pos * d, d);
    const r = t * K;
    let mx = lp;
    for (let k = 0; k < K; k++) {
      // an accidental hit (negative = target) is masked out
      if (negs[k] === pos) logits[r + k] = -Infinity;
      else if (logits[r + k] > mx) mx = logits[r + k];
    }
    const ep = Math.exp(lp - mx);
    let sum = ep;
    for (let k = 0; k < K; k++) sum += logits[r + k] = Math.exp(logits[r + k] - mx);
    loss -= Math.log(ep / sum);
    accumulate(layout, theta, grad, dz, z, t, pos, (ep / sum - 1) * inv);
    const scale = inv / sum;
    for (let k = 0; k < K; k++) logits[r + k] *= scale; // now ∂L/∂logit
  }
  // ∂z += G · E_neg ; ∂E_neg = Gᵀ · z
  const dzn = new Float32Array(n * d);
  matmulNT(logits, transpose(en, K, d, new Float32Array(d * K)), n, d, K, dzn);
  for (let i = 0; i < n * d; i++) dz[i] += dzn[i];
  const den = new Float32Array(K * d);
  matmulNT(transpose(logits, n, K, new Float32Array(K * n)), transpose(z, n, d, new Float32Array(d * n)), K, d, n, den);
  for (let k = 0; k < K; k++) {
    const e = layout.itemEmb + negs[k] * d;
    for (let i = 0; i < d; i++) grad[e + i] += den[k * d + i];
  }
  return loss;
}
