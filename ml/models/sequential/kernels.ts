/**
 * Float32Array kernels for the SASRec encoder, forward and backward. Matrices are row-major; weights
 * are [in, out].
 *
 * Why hand-written rather than TensorFlow.js: one training step (2 blocks, d=64, 256 shared sampled
 * negatives, batch 128), measured in CPU time on this machine (Node 20):
 *   tfjs 4.22 wasm backend (SIMD on; its threads are unavailable in Node; gradients of the dense
 *   part only): 211 ms per 1,000 token slots, and it needs padded [batch, len] tensors — 1,344 ms a
 *   step at len 50, since Games users have ≈6 training tokens each (≈8× padding waste).
 *   These kernels: 147 ms per 1,000 real tokens, whole step included, no padding, and the batch
 *   splits across worker threads (one per core). tfjs-node needs a binary download, unavailable here.
 */

/** Scratch for transposed weights (reused: kernels run one at a time per thread). */
let wtBuf = new Float32Array(0);
function transposed(theta: Float32Array, wOff: number, din: number, dout: number): Float32Array {
  if (wtBuf.length < din * dout) wtBuf = new Float32Array(din * dout);
  const wt = wtBuf;
  for (let i = 0; i < din; i++) for (let o = 0; o < dout; o++) wt[o * din + i] = theta[wOff + i * dout + o];
  return wt;
}

/**
 * y[n, dout] = x[n, din] · w + b (overwrites y). Four rows at a time against a transposed copy of w,
 * so each weight load feeds four multiply-adds held in registers (≈2× the naive loop in V8).
 */
export function linear(
  x: Float32Array,
  n: number,
  din: number,
  theta: Float32Array,
  wOff: number,
  bOff: number,
  dout: number,
  y: Float32Array,
): void {
  const wt = transposed(theta, wOff, din, dout);
  let t = 0;
  for (; t + 4 <= n; t += 4) {
    const x0 = t * din,
      x1 = x0 + din,
      x2 = x1 + din,
      x3 = x2 + din;
    for (let o = 0; o < dout; o++) {
      const b = theta[bOff + o];
      let a0 = b,
        a1 = b,
        a2 = b,
        a3 = b;
      const wr = o * din;
      for (let i = 0; i < din; i++) {
        const w = wt[wr + i];
        a0 += x[x0 + i] * w;
        a1 += x[x1 + i] * w;
        a2 += x[x2 + i] * w;
        a3 += x[x3 + i] * w;
      }
      y[t * dout + o] = a0;
      y[(t + 1) * dout + o] = a1;
      y[(t + 2) * dout + o] = a2;
      y[(t + 3) * dout + o] = a3;
    }
  }
  for (; t < n; t++) {
    const x0 = t * din;
    for (let o = 0; o < dout; o++) {
      let a0 = theta[bOff + o];
      const wr = o * din;
      for (let i = 0; i < din; i++) a0 += x[x0 + i] * wt[wr + i];
      y[t * dout + o] = a0;
    }
  }
}

/**
 * Backward of `linear`: accumulates dW, db into grad (same layout as theta) and, when dx is given,
 * dx += dy · wᵀ. Both blocked by four rows like the forward pass.
 */
export function linearBackward(
  x: Float32Array,
  dy: Float32Array,
  n: number,
  din: number,
  dout: number,
  theta: Float32Array,
  grad: Float32Array,
  wOff: number,
  bOff: number,
  dx: Float32Array | null,
): void {
  let t = 0;
  for (; t + 4 <= n; t += 4) {
    const y0 = t * dout,
      y1 = y0 + dout,
      y2 = y1 + dout,
      y3 = y2 + dout;
    const x0 = t * din,
      x1 = x0 + din,
      x2 = x1 + din,
      x3 = x2 + din;
    for (let o = 0; o < dout; o++) grad[bOff + o] += dy[y0 + o] + dy[y1 + o] + dy[y2 + o] + dy[y3 + o];
    for (let i = 0; i < din; i++) {
      const wr = wOff + i * dout;
      const v0 = x[x0 + i],
        v1 = x[x1 + i],
        v2 = x[x2 + i],
        v3 = x[x3 + i];
      let a0 = 0,
        a1 = 0,
        a2 = 0,
        a3 = 0;
      for (let o = 0; o < dout; o++) {
        const w = theta[wr + o];
        const g0 = dy[y0 + o],
          g1 = dy[y1 + o],
          g2 = dy[y2 + o],
          g3 = dy[y3 + o];
        a0 += g0 * w;
        a1 += g1 * w;
        a2 += g2 * w;
        a3 += g3 * w;
        grad[wr + o] += v0 * g0 + v1 * g1 + v2 * g2 + v3 * g3;
      }
      if (dx !== null) {
        dx[x0 + i] += a0;
        dx[x1 + i] += a1;
        dx[x2 + i] += a2;
        dx[x3 + i] += a3;
      }
    }
  }
  for (; t < n; t++) {
    const yr = t * dout;
    const xr = t * din;
    for (let o = 0; o < dout; o++) grad[bOff + o] += dy[yr + o];
    for (let i = 0; i < din; i++) {
      const wr = wOff + i * dout;
      const xv = x[xr + i];
      let acc = 0;
      for (let o = 0; o < dout; o++) {
        const g = dy[yr + o];
        acc += g * theta[wr + o];
        grad[wr + o] += xv * g;
      }
      if (dx !== null) dx[xr + i] += acc;
    }
  }
}

const LN_EPS = 1e-6;

/** LayerNorm over rows; keeps xhat and 1/σ for the backward pass. */
export function layerNorm(
  x: Float32Array,
  n: number,
  d: number,
  theta: Float32Array,
  gOff: number,
  bOff: number,
  y: Float32Array,
  xhat: Float32Array,
  rstd: Float32Array,
): void {
  for (let t = 0; t < n; t++) {
    const r = t * d;
    let mean = 0;
    for (let i = 0; i < d; i++) mean += x[r + i];
    mean /= d;
    let v = 0;
    for (let i = 0; i < d; i++) {
      const c = x[r + i] - mean;
      v += c * c;
    }
    const rs = 1 / Math.sqrt(v / d + LN_EPS);
    rstd[t] = rs;
    for (let i = 0; i < d; i++) {
      const h = (x[r + i] - mean) * rs;
      xhat[r + i] = h;
      y[r + i] = h * theta[gOff + i] + theta[bOff + i];
    }
  }
}

/** Backward of layerNorm: accumulates dγ, dβ into grad and dx += ∂L/∂x. */
export function layerNormBackward(
  dy: Float32Array,
  xhat: Float32Array,
  rstd: Float32Array,
  n: number,
  d: number,
  theta: Float32Array,
  grad: Float32Array,
  gOff: number,
  bOff: number,
  dx: Float32Array,
): void {
  for (let t = 0; t < n; t++) {
    const r = t * d;
    let m1 = 0;
    let m2 = 0;
    for (let i = 0; i < d; i++) {
      const g = dy[r + i];
      const h = xhat[r + i];
      grad[gOff + i] += g * h;
      grad[bOff + i] += g;
      const dh = g * theta[gOff + i];
      m1 += dh;
      m2 += dh * h;
    }
    m1 /= d;
    m2 /= d;
    const rs = rstd[t];
    for (let i = 0; i < d; i++) {
      const dh = dy[r + i] * theta[gOff + i];
      dx[r + i] += rs * (dh - m1 - xhat[r + i] * m2);
    }
  }
}

/**
 * Causal single-head attention over one sequence occupying rows [s, s+T) of q, k, v.
 * Probabilities go to att[aOff + t*T + j] (j ≤ t).
 */
export function attention(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  s: number,
  T: number,
  d: number,
  att: Float32Array,
  aOff: number,
  out: Float32Array,
): void {
  const scale = 1 / Math.sqrt(d);
  for (let t = 0; t < T; t++) {
    const qr = (s + t) * d;
    const ar = aOff + t * T;
    let mx = -Infinity;
    for (let j = 0; j <= t; j++) {
      const kr = (s + j) * d;
      let acc = 0;
      for (let i = 0; i < d; i++) acc += q[qr + i] * k[kr + i];
      acc *= scale;
      att[ar + j] = acc;
      if (acc > mx) mx = acc;
    }
    let sum = 0;
    for (let j = 0; j <= t; j++) {
      const e = Math.exp(att[ar + j] - mx);
      att[ar + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let i = 0; i < d; i++) out[qr + i] = 0;
    for (let j = 0; j <= t; j++) {
      const p = (att[ar + j] *= inv);
      const vr = (s + j) * d;
      for (let i = 0; i < d; i++) out[qr + i] += p * v[vr + i];
    }
  }
}

/** Backward of `attention`: accumulates dq, dk, dv for one sequence. */
export function attentionBackward(
  dout: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  s: number,
  T: number,
  d: number,
  att: Float32Array,
  aOff: number,
  dq: Float32Array,
  dk: Float32Array,
  dv: Float32Array,
  scratch: Float32Array,
): void {
  const scale = 1 / Math.sqrt(d);
  for (let t = 0; t < T; t++) {
    const or = (s + t) * d;
    const ar = aOff + t * T;
    // dα_j = dout_t · v_j ; dv_j += α_j dout_t
    let dot = 0;
    for (let j = 0; j <= t; j++) {
      const vr = (s + j) * d;
      const p = att[ar + j];
      let acc = 0;
      for (let i = 0; i < d; i++) {
        const g = dout[or + i];
        acc += g * v[vr + i];
        dv[vr + i] += p * g;
      }
      scratch[j] = acc;
      dot += p * acc;
    }
    // softmax backward, then through the scaled dot product
    for (let j = 0; j <= t; j++) {
      const ds = att[ar + j] * (scratch[j] - dot) * scale;
      if (ds === 0) continue;
      const kr = (s + j) * d;
      for (let i = 0; i < d; i++) {
        dq[or + i] += ds * k[kr + i];
        dk[kr + i] += ds * q[or + i];
      }
    }
  }
}

/** c[m, n] = a[m, k] · b[n, k]ᵀ (overwrites c); four rows of a per pass, as in `linear`. */
export function matmulNT(a: Float32Array, b: Float32Array, m: number, n: number, k: number, c: Float32Array): void {
  let r = 0;
  for (; r + 4 <= m; r += 4) {
    const a0 = r * k,
      a1 = a0 + k,
      a2 = a1 + k,
      a3 = a2 + k;
    for (let j = 0; j < n; j++) {
      const br = j * k;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let i = 0; i < k; i++) {
        const w = b[br + i];
        s0 += a[a0 + i] * w;
        s1 += a[a1 + i] * w;
        s2 += a[a2 + i] * w;
        s3 += a[a3 + i] * w;
      }
      c[r * n + j] = s0;
      c[(r + 1) * n + j] = s1;
      c[(r + 2) * n + j] = s2;
      c[(r + 3) * n + j] = s3;
    }
  }
  for (; r < m; r++) {
    const a0 = r * k;
    for (let j = 0; j < n; j++) {
      const br = j * k;
      let s0 = 0;
      for (let i = 0; i < k; i++) s0 += a[a0 + i] * b[br + i];
      c[r * n + j] = s0;
    }
  }
}

/** out[n, m] = xᵀ for x[m, n]. */
export function transpose(x: Float32Array, m: number, n: number, out: Float32Array): Float32Array {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = x[i * n + j];
  return out;
}
