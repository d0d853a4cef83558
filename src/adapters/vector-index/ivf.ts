/**
 * IVF (inverted file) coarse quantizer for the in-process vector index: seeded, deterministic
 * two-level k-means trained on a sample, and nearest-list assignment.
 *
 * Why hand-written: the ANN libraries on npm either are native addons (usearch, hnswlib-node,
 * faiss-node), which src/ cannot use because it must also run in workerd, or compile WebAssembly from
 * bytes at run time (hnswlib-wasm, an Emscripten build with little use), which workerd forbids; HNSW
 * also takes minutes to build at 1M points on one core and filters through a per-candidate JS
 * callback. IVF over the existing contiguous Float32Array storage builds in seconds, keeps filters as
 * cheap column checks and costs one centroid table of memory.
 *
 * Why two levels: assigning 1M vectors to ~1000 flat centroids is 64 G multiply-adds (~30 s in
 * scalar JS). Training G ≈ sqrt(nlist) top centroids, then nlist/G leaves inside each top cluster,
 * makes an assignment cost ~G + 2·nlist/G dot products (~100 instead of 1000) for a small loss in
 * list quality.
 *
 * Metric: for cosine the stored vectors are unit length and k-means is spherical (centroids
 * re-normalised, assignment by the largest dot product). For dot with `mips` (the memory index's
 * default), the standard inner-product-to-cosine reduction: every row x is augmented with
 * sqrt(M² − |x|²), M the largest norm, so all have norm M and q·x = [q, 0]·[x, a(x)]; k-means is
 * spherical on the augmented rows and assignment is argmax x·c + a(x)·c_extra. Lists then group
 * points by inner-product neighbourhood, long vectors (which win most queries) apart from short ones,
 * instead of by Euclidean distance (nearest centroid = argmax x·c − |c|²/2, the `mips: false` bias).
 * Only the lists change: a list scan is the exact dot product on the stored vectors. Search ranks lists
 * in memory.ts (for dot by list mean and spread, not by these centroids).
 */

export interface IvfTrainParams {
  /** Leaf lists wanted (the result may have slightly fewer when clusters are small). */
  nlist: number;
  /** Vectors sampled for training. */
  trainSample: number;
  /** Lloyd iterations per level. */
  iterations: number;
  seed: number;
  spherical: boolean;
  /** Best groups searched when assigning a vector (default ASSIGN_GROUPS). */
  assignGroups?: number;
  /** Inner-product quantizer (dot collections): see the module comment. Ignored when spherical. */
  mips?: boolean;
}

export interface IvfModel {
  readonly dimension: number;
  readonly nlist: number;
  /** nlist x dimension, row-major. */
  readonly centroids: Float32Array;
  /** Assignment bias per list: 0 (spherical) or −|c|²/2 (Euclidean). */
  readonly bias: Float32Array;
  readonly groups: number;
  readonly groupCentroids: Float32Array;
  readonly groupBias: Float32Array;
  /** Lists of group g are groupStart[g] .. groupStart[g+1]-1 (lists are numbered group by group). */
  readonly groupStart: Int32Array;
  readonly assignGroups: number;
  /**
   * MIPS quantizer: the max stored norm M, and per list / group the weight of the augmented coordinate
   * sqrt(M² − |x|²) in the assignment score (null otherwise: the score is x·c + bias).
   */
  readonly maxNorm: number;
  readonly extra: Float32Array | null;
  readonly groupExtra: Float32Array | null;
}

/**
 * Groups searched when assigning a vector. Measured at 1M x 64 (clustered, 1000 lists, 30 queries):
 * 1 group: recall@10 0.91 / 0.95 at nprobe 32 / 64, 6.6 s build CPU; 2 groups: 0.95 / 0.99, 9.0 s.
 * Points near a group border otherwise land in a leaf that is not their nearest.
 */
const ASSIGN_GROUPS = 2;

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Dot product of a[ao..ao+d) and b[bo..bo+d), four accumulators (see memory.ts scan). */
export function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const d4 = d - (d % 4);
  let j = 0;
  for (; j < d4; j += 4, ao += 4, bo += 4) {
    s0 += a[ao] * b[bo];
    s1 += a[ao + 1] * b[bo + 1];
    s2 += a[ao + 2] * b[bo + 2];
    s3 += a[ao + 3] * b[bo + 3];
  }
  for (; j < d; j++, ao++, bo++) s0 += a[ao] * b[bo];
  return s0 + s1 + s2 + s3;
}

interface KMeansResult {
  centroids: Float32Array;
  bias: Float32Array;
  assign: Int32Array;
}

function setBias(centroids: Float32Array, bias: Float32Array, k: number, d: number, spherical: boolean): void {
  for (let c = 0; c < k; c++) {
    if (spherical) {
      let sq = 0;
      for (let j = 0; j < d; j++) sq += centroids[c * d + j] ** 2;
      const inv = sq > 0 ? 1 / Math.sqrt(sq) : 0;
      for (let j = 0; j < d; j++) centroids[c * d + j] *= inv;
      bias[c] = 0;
    } else {
      bias[c] = -dot(centroids, c * d, centroids, c * d, d) / 2;
    }
  }
}

/**
 * Best centroid among rows from..to-1 of `centroids` for row `xo` of `data`. Hand-inlined (running
 * offsets, four accumulators) rather than calling dot(): this loop is the whole build cost, and V8
 * runs it about twice as fast this way. Score: x·c + bias[c] + ax·extra[c] (ax the row's augmented
 * coordinate under MIPS; callers without one pass ax = 0 and any array of k numbers, e.g. bias, keeping
 * one monomorphic loop).
 */
function nearest(
  data: Float32Array,
  xo: number,
  centroids: Float32Array,
  bias: Float32Array,
  from: number,
  to: number,
  d: number,
  ax: number,
  extra: Float32Array,
): number {
  const d4 = d - (d % 4);
  let best = from;
  let bestScore = -Infinity;
  for (let c = from, co = from * d; c < to; c++, co += d) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let p = co;
    let x = xo;
    let j = 0;
    for (; j < d4; j += 4, p += 4, x += 4) {
      s0 += centroids[p] * data[x];
      s1 += centroids[p + 1] * data[x + 1];
      s2 += centroids[p + 2] * data[x + 2];
      s3 += centroids[p + 3] * data[x + 3];
    }
    for (; j < d; j++, p++, x++) s0 += centroids[p] * data[x];
    const s = s0 + s1 + s2 + s3 + bias[c] + ax * extra[c];
    if (s > bestScore) {
      bestScore = s;
      best = c;
    }
  }
  return best;
}

/**
 * Lloyd's k-means on n rows of `data` (row-major, contiguous), k-means++ seeding. Deterministic for a
 * given `next` stream. Empty clusters are re-seeded from a random point so every list gets members.
 */
function* kmeans(
  data: Float32Array,
  n: number,
  d: number,
  k: number,
  iterations: number,
  next: () => number,
  spherical: boolean,
): Generator<void, KMeansResult, void> {
  const centroids = new Float32Array(k * d);
  const bias = new Float32Array(k);
  const assign = new Int32Array(n);
  // k-means++: each new centroid drawn with probability proportional to its distance to the chosen ones.
  const dist = new Float64Array(n).fill(Infinity);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) norms[i] = dot(data, i * d, data, i * d, d);
  let pick = Math.floor(next() * n);
  for (let c = 0; c < k; c++) {
    centroids.set(data.subarray(pick * d, pick * d + d), c * d);
    const cc = dot(centroids, c * d, centroids, c * d, d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dd = Math.max(0, norms[i] + cc - 2 * dot(data, i * d, centroids, c * d, d));
      if (dd < dist[i]) dist[i] = dd;
      total += dist[i];
    }
    if (c + 1 === k) break;
    if (c % 16 === 15) yield;
    let r = next() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= dist[i];
      if (r < 0) {
        pick = i;
        break;
      }
    }
  }
  setBias(centroids, bias, k, d, spherical);

  const counts = new Int32Array(k);
  const sums = new Float64Array(k * d);
  for (let it = 0; it <= iterations; it++) {
    yield;
    for (let i = 0; i < n; i++) assign[i] = nearest(data, i * d, centroids, bias, 0, k, d, 0, bias);
    if (it === iterations) break; // the last pass only assigns
    counts.fill(0);
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assign[i];
      counts[c]++;
      for (let j = 0, xo = i * d, so = c * d; j < d; j++) sums[so + j] += data[xo + j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        const p = Math.floor(next() * n);
        centroids.set(data.subarray(p * d, p * d + d), c * d);
        continue;
      }
      for (let j = 0; j < d; j++) centroids[c * d + j] = sums[c * d + j] / counts[c];
    }
    setBias(centroids, bias, k, d, spherical);
  }
  return { centroids, bias, assign };
}

/**
 * Trains the quantizer on up to `trainSample` of the given slots of `vectors` (row-major, `d` wide).
 * Deterministic: same data, slots order and params give the same model.
 */
export function trainIvf(vectors: Float32Array, d: number, slots: Int32Array, params: IvfTrainParams): IvfModel {
  return runSteps(trainIvfSteps(vectors, d, slots, params));
}

/**
 * trainIvf that calls `pause` between its steps (a k-means iteration or seeding round, each a few ms at 30k
 * points): a build on a serving thread lets requests run in between. The same steps, so the same model.
 */
export async function trainIvfPaced(
  vectors: Float32Array,
  d: number,
  slots: Int32Array,
  params: IvfTrainParams,
  pause: () => Promise<void>,
): Promise<IvfModel> {
  const steps = trainIvfSteps(vectors, d, slots, params);
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) return r.value;
    await pause();
  }
}

/** Runs a generator of work steps to its end on this thread. */
function runSteps<T>(steps: Generator<void, T, void>): T {
  for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value;
}

function* trainIvfSteps(
  vectors: Float32Array,
  d: number,
  slots: Int32Array,
  params: IvfTrainParams,
): Generator<void, IvfModel, void> {
  const next = rng(params.seed);
  const n = slots.length;
  const nlist = Math.max(1, Math.min(params.nlist, n));
  const mips = params.mips === true && !params.spherical;
  let maxNorm = 0;
  if (mips)
    for (let i = 0; i < n; i++)
      maxNorm = Math.max(maxNorm, Math.sqrt(dot(vectors, slots[i] * d, vectors, slots[i] * d, d)));
  // MIPS: k-means runs spherical on the augmented rows [x, sqrt(M² − |x|²)], all of norm M.
  const w = mips ? d + 1 : d;
  const spherical = params.spherical || mips;
  // Seeded partial Fisher-Yates: the sample, gathered contiguously so k-means reads sequentially.
  const s = Math.max(Math.min(n, params.trainSample), Math.min(n, nlist));
  const order = Int32Array.from(slots);
  const sample = new Float32Array(s * w);
  for (let i = 0; i < s; i++) {
    const j = i + Math.floor(next() * (n - i));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
    sample.set(vectors.subarray(order[i] * d, order[i] * d + d), i * w);
    if (mips) sample[i * w + d] = augment(maxNorm, vectors, order[i] * d, d);
  }

  const g = Math.max(1, Math.min(nlist, Math.round(Math.sqrt(nlist))));
  // The top level has few centroids: a few hundred points each train it as well as the whole sample.
  const topN = Math.min(s, 256 * g);
  const top = yield* kmeans(sample, topN, w, g, params.iterations, next, spherical);
  const members: number[][] = Array.from({ length: g }, () => []);
  for (let i = 0; i < s; i++)
    members[i < topN ? top.assign[i] : nearest(sample, i * w, top.centroids, top.bias, 0, g, w, 0, top.bias)].push(i);

  const leafCentroids: Float32Array[] = [];
  const leafBias: number[] = [];
  const groupCentroids: number[] = [];
  const groupBias: number[] = [];
  const groupStart: number[] = [0];
  for (let c = 0; c < g; c++) {
    const m = members[c];
    if (m.length === 0) continue; // a group without sample points would own no list
    // Leaves proportional to the group's share of the sample, at least one.
    const kc = Math.max(1, Math.min(m.length, Math.round((nlist * m.length) / s)));
    const sub = new Float32Array(m.length * w);
    for (let i = 0; i < m.length; i++) sub.set(sample.subarray(m[i] * w, m[i] * w + w), i * w);
    const leaves = yield* kmeans(sub, m.length, w, kc, params.iterations, next, spherical);
    for (let l = 0; l < kc; l++) {
      leafCentroids.push(leaves.centroids.subarray(l * w, l * w + w));
      leafBias.push(leaves.bias[l]);
    }
    for (let j = 0; j < w; j++) groupCentroids.push(top.centroids[c * w + j]);
    groupBias.push(top.bias[c]);
    groupStart.push(groupStart[groupStart.length - 1] + kc);
  }
  // Rows d wide (what search scores the query against: its augmented coordinate is 0), the last
  // coordinate of the augmented centroids split off into `extra`.
  const split = (rows: ArrayLike<number>, k: number): { c: Float32Array; e: Float32Array | null } => {
    const c = new Float32Array(k * d);
    const e = mips ? new Float32Array(k) : null;
    for (let r = 0; r < k; r++) {
      for (let j = 0; j < d; j++) c[r * d + j] = rows[r * w + j];
      if (e !== null) e[r] = rows[r * w + d];
    }
    return { c, e };
  };
  const flat = new Float32Array(leafCentroids.length * w);
  leafCentroids.forEach((c, l) => {
    flat.set(c, l * w);
  });
  const leaves = split(flat, leafCentroids.length);
  const groups = split(groupCentroids, groupBias.length);
  return {
    dimension: d,
    nlist: leafCentroids.length,
    centroids: leaves.c,
    bias: Float32Array.from(leafBias),
    groups: groupBias.length,
    groupCentroids: groups.c,
    groupBias: Float32Array.from(groupBias),
    groupStart: Int32Array.from(groupStart),
    assignGroups: params.assignGroups ?? ASSIGN_GROUPS,
    maxNorm,
    extra: leaves.e,
    groupExtra: groups.e,
  };
}

/** The augmented coordinate sqrt(M² − |x|²) of row xo (0 for a row longer than M, upserted after training). */
function augment(maxNorm: number, data: Float32Array, xo: number, d: number): number {
  return Math.sqrt(Math.max(0, maxNorm * maxNorm - dot(data, xo, data, xo, d)));
}

/** The list a vector (row `xo` of `data`) belongs to: best leaf within the ASSIGN_GROUPS best groups. */
export function assignList(model: IvfModel, data: Float32Array, xo: number): number {
  const d = model.dimension;
  // Without MIPS, ax = 0 and the bias arrays stand in for `extra` (see nearest).
  const ax = model.extra === null ? 0 : augment(model.maxNorm, data, xo, d);
  const ex = model.extra ?? model.bias;
  const gex = model.groupExtra ?? model.groupBias;
  let g1 = -1;
  let g2 = -1;
  let s1 = -Infinity;
  let s2 = -Infinity;
  for (let g = 0; g < model.groups; g++) {
    const s = dot(data, xo, model.groupCentroids, g * d, d) + model.groupBias[g] + ax * gex[g];
    if (s > s1) {
      s2 = s1;
      g2 = g1;
      s1 = s;
      g1 = g;
    } else if (s > s2) {
      s2 = s;
      g2 = g;
    }
  }
  const a = nearest(data, xo, model.centroids, model.bias, model.groupStart[g1], model.groupStart[g1 + 1], d, ax, ex);
  if (model.assignGroups < 2 || g2 < 0) return a;
  const b = nearest(data, xo, model.centroids, model.bias, model.groupStart[g2], model.groupStart[g2 + 1], d, ax, ex);
  const sb = dot(data, xo, model.centroids, b * d, d) + model.bias[b] + ax * ex[b];
  return sb > dot(data, xo, model.centroids, a * d, d) + model.bias[a] + ax * ex[a] ? b : a;
}
