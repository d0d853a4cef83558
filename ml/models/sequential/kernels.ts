/**
 * Float32Array kernels for the SASRec encoder, forward and backward. Plain loops over small dense
 * matrices (d ≈ 50): the JIT handles these well, and working on unpadded token lists (≈6 tokens a
 * user on Games instead of 50 padded slots) is what makes CPU training fast enough.
 * Matrices are row-major; weights are [in, out].
 */

/** y[n, dout] = x[n, din] · w + b (overwrites y). */
export function linear(
  x: Float32Array, n: number, din: number, theta: Float32Array, wOff: number, bOff: number, dout: number, y: Float32Array,
): void {
  for (let t = 0; t < n; t++) {
    const yr = t * dout;
    for (let o = 0; o < dout; o++) y[yr + o] = theta[bOff + o];
    const xr = t * din;
    for (let i = 0; i < din; i++) {
      const xv = x[xr + i];
      if (xv === 0) continue;
      const wr = wOff + i * dout;
      for (let o = 0; o < dout; o++) y[yr + o] += xv * theta[wr + o];
    }
  }
}

/**
 * Backward of `linear`: accumulates dW, db into grad (same layout as theta) and, when dx is given,
 * accumulates dx += dy · wᵀ.
 */
export function linearBackward(
  x: Float32Array, dy: Float32Array, n: number, din: number, dout: number,
  theta: Float32Array, grad: Float32Array, wOff: number, bOff: number, dx: Float32Array | null,
): void {
  for (let t = 0; t < n; t++) {
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
  x: Float32Array, n: number, d: number, theta: Float32Array, gOff: number, bOff: number,
  y: Float32Array, xhat: Float32Array, rstd: Float32Array,
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
  dy: Float32Array, xhat: Float32Array, rstd: Float32Array, n: number, d: number,
  theta: Float32Array, grad: Float32Array, gOff: number, bOff: number, dx: Float32Array,
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
  q: Float32Array, k: Float32Array, v: Float32Array, s: number, T: number, d: number,
  att: Float32Array, aOff: number, out: Float32Array,
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
  dout: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array, s: number, T: number, d: number,
  att: Float32Array, aOff: number, dq: Float32Array, dk: Float32Array, dv: Float32Array, scratch: Float32Array,
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
