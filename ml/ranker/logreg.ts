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

/**
 * Pairwise logistic regression (RankNet with a linear scorer): for every (target, other candidate) pair of
 * a case, P(target above other) = sigmoid(w . (x_target - x_other)). Optimises the order directly, which
 * is what the feed needs; the bias cancels out of every pair, so it is returned as 0.
 */
export function trainPairwise(cases: readonly { x: Float32Array; positive: number; count: number }[], dim: number, options: { epochs?: number; lr?: number; l2?: number } = {}): LogRegResult {
  const epochs = options.epochs ?? 200;
  const lr = options.lr ?? 1;
  const l2 = options.l2 ?? 1e-4;
  const w = new Float64Array(dim);
  const grad = new Float64Array(dim);
  const diff = new Float64Array(dim);
  let loss = 0;
  for (let e = 0; e < epochs; e++) {
    grad.fill(0);
    loss = 0;
    let pairs = 0;
    for (const c of cases) {
      if (c.positive < 0) continue;
      const pb = c.positive * dim;
      for (let j = 0; j < c.count; j++) {
        if (j === c.positive) continue;
        const nb = j * dim;
        let z = 0;
        for (let f = 0; f < dim; f++) {
          diff[f] = c.x[pb + f] - c.x[nb + f];
          z += w[f] * diff[f];
        }
        const p = 1 / (1 + Math.exp(-z));
        for (let f = 0; f < dim; f++) grad[f] += (p - 1) * diff[f];
        loss -= Math.log(p + 1e-12);
        pairs++;
      }
    }
    for (let f = 0; f < dim; f++) w[f] -= lr * (grad[f] / Math.max(1, pairs) + l2 * w[f]);
    loss /= Math.max(1, pairs);
  }
  return { weights: Float32Array.from(w), bias: 0, loss };
}
