/**
 * Logistic regression by full-batch gradient descent with L2 (features are ~[0, 1], so no scaling).
 * Positives are re-weighted to balance the classes: a case has one positive among ~300 candidates.
 */
export interface LogRegResult {
  weights: Float32Array;
  bias: number;
  loss: number;
}

export function trainLogReg(x: Float32Array, y: Uint8Array, dim: number, options: { epochs?: number; lr?: number; l2?: number; init?: { weights: Float32Array; bias: number } } = {}): LogRegResult {
  const n = y.length;
  const epochs = options.epochs ?? 300;
  const lr = options.lr ?? 0.5;
  const l2 = options.l2 ?? 1e-4;
  const w = new Float64Array(dim);
  let b = options.init?.bias ?? 0;
  if (options.init) for (let f = 0; f < dim; f++) w[f] = options.init.weights[f];
  let pos = 0;
  for (const v of y) pos += v;
  const wPos = pos > 0 ? (n - pos) / pos : 1;
  const grad = new Float64Array(dim);
  let loss = 0;
  for (let e = 0; e < epochs; e++) {
    grad.fill(0);
    let gb = 0;
    let total = 0;
    loss = 0;
    for (let i = 0; i < n; i++) {
      const base = i * dim;
      let z = b;
      for (let f = 0; f < dim; f++) z += w[f] * x[base + f];
      const p = 1 / (1 + Math.exp(-z));
      const weight = y[i] ? wPos : 1;
      const g = weight * (p - y[i]);
      for (let f = 0; f < dim; f++) grad[f] += g * x[base + f];
      gb += g;
      total += weight;
      loss -= weight * (y[i] ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12));
    }
    for (let f = 0; f < dim; f++) w[f] -= lr * (grad[f] / total + l2 * w[f]);
    b -= lr * (gb / total);
    loss /= total;
  }
  return { weights: Float32Array.from(w), bias: b, loss };
}
