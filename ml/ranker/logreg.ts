/**
 * The ranker's two linear objectives, fitted by Newton's method (IRLS) with L2.
 *
 * Why Newton and not gradient descent: the features are strongly correlated (score, log score, rank and
 * log rank of one source; dense re-scores of the same signals), so the loss is badly conditioned and
 * hundreds of full-batch GD epochs still stop far from the optimum, which made the result depend on the
 * learning rate and epoch count. With ~55 features the Hessian is tiny: one Newton step costs one pass over
 * the rows (rows x dim^2 / 2 multiply-adds, like ~25 GD epochs) and 10-20 steps converge to machine
 * precision, so the fit is deterministic and has one knob, `l2`.
 */
export interface LogRegResult {
  weights: Float32Array;
  bias: number;
  loss: number;
  iterations: number;
}

export interface NewtonOptions {
  /** L2 penalty on the weights (not the bias), per unit of mean loss. */
  l2?: number;
  /** Most Newton steps. */
  iterations?: number;
  /** Stop when the largest step component is below this. */
  tolerance?: number;
  /**
   * Weights to shrink towards instead of 0 (the penalty is (l2/2)|w - prior|^2) and to start from: a prior
   * model (the committed cold-start weights) that little data should only move a little.
   */
  prior?: ArrayLike<number>;
}

/**
 * One pass over the data at parameters `w` (length dim + 1, the last one the bias): adds the mean loss's
 * gradient and Hessian into g and H (upper triangle) and returns the mean loss (penalty excluded).
 */
type Pass = (w: Float64Array, g: Float64Array | null, H: Float64Array | null) => number;

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const logSigmoid = (z: number): number => (z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z)));

/** Solves A x = b in place (A symmetric positive definite, n x n, full) by Cholesky; returns x in b. */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= A[j * n + k] * A[j * n + k];
    if (!(d > 0)) throw new Error("Hessian is not positive definite (l2 too small?)");
    const l = Math.sqrt(d);
    A[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= A[i * n + k] * A[j * n + k];
      A[i * n + j] = s / l;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= A[i * n + k] * b[k];
    b[i] = s / A[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= A[k * n + i] * b[k];
    b[i] = s / A[i * n + i];
  }
}

/** Damped Newton on pass + (l2/2)|w|^2 over dim weights and, when `withBias`, one unpenalised bias. */
function newton(pass: Pass, dim: number, withBias: boolean, o: NewtonOptions): LogRegResult {
  const l2 = o.l2 ?? 1e-4;
  const maxIt = o.iterations ?? 30;
  const tol = o.tolerance ?? 1e-7;
  const n = dim + 1;
  const w = new Float64Array(n);
  const g = new Float64Array(n);
  const H = new Float64Array(n * n);
  const trial = new Float64Array(n);
  const prior = new Float64Array(dim);
  if (o.prior) {
    if (o.prior.length !== dim) throw new Error(`prior has ${o.prior.length} weights for ${dim} features`);
    for (let f = 0; f < dim; f++) prior[f] = o.prior[f];
    w.set(prior);
  }
  const objective = (p: Float64Array, data: number): number => {
    let r = 0;
    for (let f = 0; f < dim; f++) r += (p[f] - prior[f]) ** 2;
    return data + 0.5 * l2 * r;
  };
  let loss = pass(w, null, null);
  let it = 0;
  for (; it < maxIt; it++) {
    g.fill(0);
    H.fill(0);
    pass(w, g, H);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) H[i * n + j] = H[j * n + i];
    for (let f = 0; f < dim; f++) {
      g[f] += l2 * (w[f] - prior[f]);
      H[f * n + f] += l2;
    }
    // The bias is unpenalised; a tiny ridge keeps the system solvable when it is unused (pairwise).
    H[dim * n + dim] += withBias ? 1e-10 : 1;
    if (!withBias) g[dim] = 0;
    choleskySolve(H, g, n); // g now holds the Newton step
    // Backtracking: logistic losses are convex, so a halved step always ends up decreasing the objective.
    const before = objective(w, loss);
    let step = 1;
    let after = Infinity;
    let trialLoss = loss;
    for (let k = 0; k < 30; k++) {
      for (let i = 0; i < n; i++) trial[i] = w[i] - step * g[i];
      trialLoss = pass(trial, null, null);
      after = objective(trial, trialLoss);
      if (after <= before) break;
      step /= 2;
    }
    if (after > before) break;
    w.set(trial);
    loss = trialLoss;
    let largest = 0;
    for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(step * g[i]));
    if (largest < tol) {
      it++;
      break;
    }
  }
  return { weights: Float32Array.from(w.subarray(0, dim)), bias: withBias ? w[dim] : 0, loss, iterations: it };
}

/** Adds weight * v v^T (v's first `len` entries) into the upper triangle of H (row stride `stride`). */
function addOuter(H: Float64Array, v: Float64Array, len: number, stride: number, weight: number): void {
  for (let i = 0; i < len; i++) {
    const vi = weight * v[i];
    if (vi === 0) continue;
    const row = i * stride;
    for (let j = i; j < len; j++) H[row + j] += vi * v[j];
  }
}

/**
 * Pointwise logistic regression (row-major x, labels y). Positives are re-weighted to balance the classes:
 * a case has one positive among ~250 candidates.
 */
export function trainLogReg(x: Float32Array, y: Uint8Array, dim: number, options: NewtonOptions = {}): LogRegResult {
  const rows = y.length;
  let pos = 0;
  for (const v of y) pos += v;
  const wPos = pos > 0 ? (rows - pos) / pos : 1;
  const total = rows - pos + pos * wPos;
  const v = new Float64Array(dim + 1);
  const pass: Pass = (w, g, H) => {
    let loss = 0;
    for (let i = 0; i < rows; i++) {
      const base = i * dim;
      let z = w[dim];
      for (let f = 0; f < dim; f++) z += w[f] * x[base + f];
      const weight = (y[i] ? wPos : 1) / total;
      loss -= weight * (y[i] ? logSigmoid(z) : logSigmoid(-z));
      if (!g || !H) continue;
      const p = sigmoid(z);
      for (let f = 0; f < dim; f++) v[f] = x[base + f];
      v[dim] = 1;
      const r = weight * (p - y[i]);
      for (let f = 0; f <= dim; f++) g[f] += r * v[f];
      addOuter(H, v, dim + 1, dim + 1, weight * p * (1 - p));
    }
    return loss;
  };
  return newton(pass, dim, true, options);
}

/** One training case: row-major features (count x dim) and the index of the target among them. */
export interface RankingCase {
  x: Float32Array;
  positive: number;
  count: number;
}

/**
 * Pairwise logistic regression (RankNet with a linear scorer): for every (target, other candidate) pair of
 * a case, P(target above other) = sigmoid(w . (x_target - x_other)). Optimises the order directly, which
 * is what the feed needs; the bias cancels out of every pair, so it is returned as 0. `pairWeights[c][j]`
 * (optional) weighs the pair (target, j) of case c; the loss is the weighted mean.
 */
export function trainPairwise(
  cases: readonly RankingCase[],
  dim: number,
  options: NewtonOptions & { pairWeights?: readonly Float32Array[] } = {},
): LogRegResult {
  const pw = options.pairWeights;
  let total = 0;
  cases.forEach((c, i) => {
    if (c.positive < 0) return;
    for (let j = 0; j < c.count; j++) if (j !== c.positive) total += pw ? pw[i][j] : 1;
  });
  const v = new Float64Array(dim + 1);
  const pass: Pass = (w, g, H) => {
    let loss = 0;
    cases.forEach((c, i) => {
      if (c.positive < 0) return;
      const pb = c.positive * dim;
      for (let j = 0; j < c.count; j++) {
        if (j === c.positive) continue;
        const weight = (pw ? pw[i][j] : 1) / total;
        if (weight === 0) continue;
        const nb = j * dim;
        let z = 0;
        for (let f = 0; f < dim; f++) {
          v[f] = c.x[pb + f] - c.x[nb + f];
          z += w[f] * v[f];
        }
        loss -= weight * logSigmoid(z);
        if (!g || !H) continue;
        const p = sigmoid(z);
        for (let f = 0; f < dim; f++) g[f] += weight * (p - 1) * v[f];
        addOuter(H, v, dim, dim + 1, weight * p * (1 - p));
      }
    });
    return loss;
  };
  return newton(pass, dim, false, options);
}

/**
 * LambdaRank with a linear scorer: the pairwise loss, each (target, j) pair weighted by |delta NDCG| of
 * swapping the two in the current order, re-derived from the current weights each round (starting from
 * plain pairwise). Plain pairwise spends most of its loss on pushing the target above the ~200 candidates
 * that are far down the list anyway; NDCG@10 only rewards the order near the top, and so does this weight.
 */
export function trainLambdaRank(
  cases: readonly RankingCase[],
  dim: number,
  options: NewtonOptions & { rounds?: number } = {},
): LogRegResult {
  let fit = trainPairwise(cases, dim, options);
  const rounds = options.rounds ?? 5;
  for (let r = 0; r < rounds; r++) {
    const w = fit.weights;
    const pairWeights = cases.map((c) => {
      const out = new Float32Array(c.count);
      if (c.positive < 0) return out;
      const s = new Float64Array(c.count);
      for (let j = 0; j < c.count; j++) {
        let z = 0;
        for (let f = 0; f < dim; f++) z += w[f] * c.x[j * dim + f];
        s[j] = z;
      }
      // Rank of each candidate in the current order (ties: lower index first, as the evaluation breaks them).
      const order = Array.from(s.keys()).sort((a, b) => s[b] - s[a] || a - b);
      const rank = new Int32Array(c.count);
      order.forEach((j, k) => {
        rank[j] = k;
      });
      const gp = 1 / Math.log2(rank[c.positive] + 2);
      for (let j = 0; j < c.count; j++) if (j !== c.positive) out[j] = Math.abs(gp - 1 / Math.log2(rank[j] + 2));
      return out;
    });
    fit = trainPairwise(cases, dim, { ...options, pairWeights });
  }
  return fit;
}
