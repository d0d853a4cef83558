/** Small dense linear-algebra kernels on row-major Float64Arrays (enough for a randomized eigensolver). */

/**
 * Orthonormalises the columns of an n x l row-major matrix in place by CholeskyQR2: G = A^T A, G = L L^T,
 * A <- A L^-T, done twice for stability. Row-wise passes keep memory access sequential (fast on tall
 * matrices, unlike column-wise Gram-Schmidt).
 */
export function orthonormalizeColumns(a: Float64Array, n: number, l: number): void {
  for (let pass = 0; pass < 2; pass++) {
    const g = new Float64Array(l * l);
    for (let i = 0; i < n; i++) {
      const base = i * l;
      for (let p = 0; p < l; p++) {
        const ap = a[base + p];
        if (ap === 0) continue;
        for (let q = p; q < l; q++) g[p * l + q] += ap * a[base + q];
      }
    }
    // Cholesky of the upper triangle (G = R^T R with R upper); tiny ridge guards rank deficiency.
    const r = new Float64Array(l * l);
    let trace = 0;
    for (let p = 0; p < l; p++) trace += g[p * l + p];
    const ridge = 1e-12 * (trace / l || 1);
    for (let p = 0; p < l; p++) {
      let d = g[p * l + p] + ridge;
      for (let k = 0; k < p; k++) d -= r[k * l + p] * r[k * l + p];
      const rpp = Math.sqrt(Math.max(d, ridge));
      r[p * l + p] = rpp;
      for (let q = p + 1; q < l; q++) {
        let v = g[p * l + q];
        for (let k = 0; k < p; k++) v -= r[k * l + p] * r[k * l + q];
        r[p * l + q] = v / rpp;
      }
    }
    // A <- A R^-1, row by row (forward substitution on each row).
    const row = new Float64Array(l);
    for (let i = 0; i < n; i++) {
      const base = i * l;
      for (let q = 0; q < l; q++) {
        let v = a[base + q];
        for (let k = 0; k < q; k++) v -= row[k] * r[k * l + q];
        row[q] = v / r[q * l + q];
      }
      for (let q = 0; q < l; q++) a[base + q] = row[q];
    }
  }
}

/**
 * Eigen-decomposition of a symmetric l x l matrix by cyclic Jacobi rotations.
 * Returns eigenvalues (descending) and eigenvectors as columns of a row-major l x l matrix.
 */
export function symmetricEigen(m: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const a = m.slice();
  const v = new Float64Array(l * l);
  for (let i = 0; i < l; i++) v[i * l + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < l; p++) for (let q = p + 1; q < l; q++) off += a[p * l + q] * a[p * l + q];
    if (off < 1e-22) break;
    for (let p = 0; p < l; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = a[p * l + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * l + q] - a[p * l + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < l; k++) {
          const akp = a[k * l + p];
          const akq = a[k * l + q];
          a[k * l + p] = c * akp - s * akq;
          a[k * l + q] = s * akp + c * akq;
        }
        for (let k = 0; k < l; k++) {
          const apk = a[p * l + k];
          const aqk = a[q * l + k];
          a[p * l + k] = c * apk - s * aqk;
          a[q * l + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < l; k++) {
          const vkp = v[k * l + p];
          const vkq = v[k * l + q];
          v[k * l + p] = c * vkp - s * vkq;
          v[k * l + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: l }, (_, i) => i).sort((x, y) => a[y * l + y] - a[x * l + x]);
  const values = Float64Array.from(order, (i) => a[i * l + i]);
  const vectors = new Float64Array(l * l);
  for (let r = 0; r < l; r++) for (let c = 0; c < l; c++) vectors[r * l + c] = v[r * l + order[c]];
  return { values, vectors };
}
