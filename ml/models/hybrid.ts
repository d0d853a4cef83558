import type { FitOptions, ModelArtifact, Query, Recommender, TrainData, ValidationCase } from "../core/recommender.js";
import { Rng } from "../core/rng.js";
import { topK } from "../core/topk.js";
import { expectedRank, ndcgOfRank } from "../eval/metrics.js";
import { USER_SEGMENT_BOUNDS } from "../eval/segments.js";
import { coldMask, routeCold } from "./cold-routing.js";
import { numberParam } from "./common.js";

/** Loads a component from its artifact (the registry's loader, injected to avoid an import cycle). */
export type ComponentLoader = (artifact: ModelArtifact) => Recommender;

const WEIGHT_GRID = [0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8];

/**
 * How a component's scores are put on a common scale per query, over the set being ranked:
 * `minmax` (s − min) / (max − min); `zscore` (s − mean) / std; `rank` the share of the set scored below
 * (ties count half), so only each component's order matters.
 */
export type Normalization = "minmax" | "zscore" | "rank";
const NORMALIZATIONS: readonly Normalization[] = ["minmax", "zscore", "rank"];

/** A blend: normalisation, history-length bucket bounds, weights per bucket (bucket b: length ≤ bounds[b]; the last is open). */
interface Blend {
  normalize: Normalization;
  bounds: number[];
  weights: Float64Array[];
  /** Per bucket: whether cold items (no training interactions) are placed by the content component (cold-routing.ts). */
  route?: boolean[];
  /** Weights learned on all lengths (the start of every bucket's search). */
  global: Float64Array;
}

/** Validation features of one case: m rows (one per component) of `width` normalised scores, target at column 0. */
interface CaseFeatures {
  width: number;
  length: number;
  f: Map<Normalization, Float32Array>;
  /**
   * Full ranking: how many items each column stands for (1 for the pool; the sampled out-of-pool columns
   * stand for all the items outside the pool). Absent: every column counts 1 (candidate lists).
   */
  mass?: Float32Array;
}

/**
 * Learned linear blend of component models. Each component's scores are normalised per query over the set
 * being ranked (all items in scoreAll, the candidates in scoreCandidates; validation uses the same rule, so
 * weights learned on a sampled protocol are meant for candidate re-ranking and weights learned on a
 * full-ranking protocol for serving), and the blend weights are learned by coordinate ascent on validation
 * NDCG@`targetK` (never on test). On a sampled protocol the validation ranking uses the case's candidates; on
 * full ranking it uses the union of every component's top `poolSize` plus the target, history excluded,
 * which is where all the action of a top-K list is.
 *
 * Options (all learned or chosen on validation only):
 * - `normalize`: minmax (default) | zscore | rank | auto.
 * - `lengthBuckets`: 0 (default) = one weight vector; n > 1 = separate weights per history-length bucket, the
 *   bounds being the validation histories' length quantiles; each bucket starts from the global weights and
 *   falls back to them when it has fewer than `minBucketCases` cases. `auto` tries 0 and 4.
 * - With `auto` anywhere, every variant is scored by 2-fold cross-validation on the validation cases (learn on
 *   one half, measure on the other, both ways) and the best is then learned on all of them.
 * - `lengthBuckets=segments`: the buckets are the user segments of ml/eval/segments.ts (no history, short,
 *   long), each learned once it has `minSegmentCases` validation cases (default 30).
 * - `guard=on` (the default hybrid): a component that does not raise a bucket's validation NDCG is set to
 *   zero there, and each bucket's blend is then compared on validation, ranked exactly as the protocol ranks
 *   (all items minus the history, or the case's candidates), with every component alone: unless the blend is
 *   strictly better than the best of them, the bucket deploys the best single component. During the weight
 *   search a part with no weight enters only when it raises validation NDCG by more than `minGainZ` (default 2)
 *   standard errors of the paired per-case difference, so parts that only fit validation noise stay out. So on validation the hybrid is never
 *   below any of its parts (plain popularity is one of the default's parts) in any bucket.
 * - `coldRouting` (auto, the default; on; off): items with no training interactions are placed by the content
 *   component where it ranks them among the warm items (ml/models/cold-routing.ts). `auto` decides per bucket on
 *   validation, exact ranking: routing stays on unless it loses by more than `minGainZ` standard errors of the
 *   paired per-case difference. Collaborative components give cold items no signal at all (ties at the floor),
 *   so only evidence that routing costs the warm targets turns it off; in a time split the validation window
 *   has fewer cold targets than the windows after it, and a noise-level loss there is no reason to bury them.
 * Components that need item text (content) are dropped at fit when the data has none (logged).
 */
export class HybridRecommender implements Recommender {
  readonly name = "hybrid";
  readonly params: Record<string, number | string>;
  /** Global weights (the blend for queries of any length when there are no buckets). */
  weights: Float64Array;
  private blend: Blend;
  /** Validation NDCG of the learned blend and of each component alone (for the report). */
  readonly validationReport: Record<string, number> = {};
  /** Per bucket, what the guard deployed ("blend" or a component's name). */
  guardChoice: string[] = [];
  /** 1 for items with no training interactions (set at fit; refits update it). */
  private cold: Uint8Array | null = null;
  /** Set when the components were fitted by the caller: the next fit only learns the blend. */
  componentsFitted = false;
  components: Recommender[];
  private needsText: boolean[];

  constructor(
    components: Recommender[],
    params: Record<string, unknown> = {},
    needsText: boolean[] = components.map(() => false),
  ) {
    this.components = components;
    this.needsText = needsText;
    if (components.length === 0) throw new Error("hybrid: needs at least one component");
    const normalize = String(params.normalize ?? "minmax");
    if (normalize !== "auto" && !NORMALIZATIONS.includes(normalize as Normalization))
      throw new Error(`hybrid: unknown normalize ${normalize}`);
    const lengthBuckets = String(params.lengthBuckets ?? "0");
    if (
      lengthBuckets !== "auto" &&
      lengthBuckets !== "segments" &&
      !(Number.isInteger(Number(lengthBuckets)) && Number(lengthBuckets) >= 0)
    )
      throw new Error(`hybrid: lengthBuckets must be a count, auto or segments, got ${lengthBuckets}`);
    const guard = String(params.guard ?? "off");
    if (guard !== "on" && guard !== "off") throw new Error(`hybrid: guard must be on or off, got ${guard}`);
    const coldRouting = String(params.coldRouting ?? "auto");
    if (!["auto", "on", "off"].includes(coldRouting))
      throw new Error(`hybrid: coldRouting must be auto, on or off, got ${coldRouting}`);
    this.params = {
      validationCases: numberParam(params, "validationCases", 10000),
      poolSize: numberParam(params, "poolSize", 100),
      rounds: numberParam(params, "rounds", 3),
      targetK: numberParam(params, "targetK", 10),
      minBucketCases: numberParam(params, "minBucketCases", 500),
      minSegmentCases: numberParam(params, "minSegmentCases", 30),
      minGainZ: numberParam(params, "minGainZ", 2),
      normalize,
      lengthBuckets,
      guard,
      coldRouting,
    };
    this.weights = new Float64Array(components.length).fill(1);
    const fixed = normalize === "auto" ? "minmax" : (normalize as Normalization);
    this.blend = { normalize: fixed, bounds: [], weights: [this.weights], global: this.weights };
  }

  async fit(data: TrainData, options: FitOptions): Promise<void> {
    const hasText = data.itemText?.some((t) => t !== undefined && t !== "") === true;
    if (!hasText && this.needsText.some((n) => n)) {
      const dropped = this.components.filter((_, k) => this.needsText[k]).map((c) => c.name);
      options.onProgress?.(`no item text in the data: leaving out ${dropped.join(", ")}`);
      this.components = this.components.filter((_, k) => !this.needsText[k]);
      this.needsText = this.components.map(() => false);
      this.weights = new Float64Array(this.components.length).fill(1);
      this.blend = single(this.blend.normalize, this.weights);
      if (this.components.length === 0) throw new Error("hybrid: no component left without item text");
    }
    const skipFit = this.componentsFitted;
    this.componentsFitted = false;
    for (const c of skipFit ? [] : this.components) {
      const t = performance.now();
      await c.fit(data, { ...options, onProgress: (m) => options.onProgress?.(`${c.name}: ${m}`) });
      options.onProgress?.(`component ${c.name} fitted in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    this.cold = coldMask(data.numItems, data.sequences);
    const validation = options.validation ?? [];
    if (validation.length === 0) {
      // A refit on more data keeps the blend learned earlier (equal weights if never learned).
      options.onProgress?.(`no validation cases: keeping blend ${this.describeWeights()}`);
      return;
    }
    this.learnBlend(validation, options);
  }

  /** Normalisation, bucket bounds and weights of the current blend. */
  get blendSpec(): { normalize: Normalization; bounds: number[]; weights: number[][]; route: boolean[] } {
    return {
      normalize: this.blend.normalize,
      bounds: [...this.blend.bounds],
      weights: this.blend.weights.map((w) => Array.from(w)),
      route: this.blend.weights.map((_, b) => this.blend.route?.[b] === true),
    };
  }

  /** Index of the component that can score cold items (content), or −1. */
  private get routerIndex(): number {
    return this.components.findIndex((c) => c.name === "content");
  }

  /**
   * Per bucket, routing on or off (see `coldRouting`): validation cases ranked exactly as the protocol ranks,
   * with and without routing; `auto` keeps it on unless it loses by more than minGainZ paired standard errors.
   */
  private chooseRouting(cases: ValidationCase[], log: (m: string) => void): void {
    const b = this.blend;
    const nb = b.bounds.length + 1;
    const mode = this.params.coldRouting;
    const router = this.routerIndex;
    const cold = this.cold;
    if (mode === "off" || router < 0 || cold === null || !cold.includes(1)) {
      b.route = new Array<boolean>(nb).fill(false);
      return;
    }
    if (mode === "on") {
      b.route = new Array<boolean>(nb).fill(true);
      return;
    }
    const targetK = Number(this.params.targetK);
    const on = Array.from({ length: nb }, () => [] as number[]);
    const off = Array.from({ length: nb }, () => [] as number[]);
    for (const c of cases) {
      const query: Query = { history: c.history, timestamps: c.timestamps, now: c.now };
      const bucket = bucketOf(c.history.length, b.bounds);
      const exclude = c.candidates === undefined ? new Set<number>(c.history) : undefined;
      const target = c.candidates === undefined ? c.target : 0;
      const plain =
        c.candidates === undefined
          ? this.blendScores(query, null, false)
          : this.blendScores(query, c.candidates, false);
      const routed =
        c.candidates === undefined ? this.blendScores(query, null, true) : this.blendScores(query, c.candidates, true);
      off[bucket].push(ndcgOfRank(expectedRank(plain, target, exclude), targetK));
      on[bucket].push(ndcgOfRank(expectedRank(routed, target, exclude), targetK));
    }
    const z = Number(this.params.minGainZ);
    b.route = on.map((xs, bucket) => {
      const route = !pairedGain(off[bucket], xs, z);
      const avg = (v: number[]): number => v.reduce((a, x) => a + x, 0) / Math.max(1, v.length);
      const label = b.bounds.length === 0 ? "all" : bucketLabel(b.bounds, bucket);
      this.validationReport[`route:${label}:on`] = avg(xs);
      this.validationReport[`route:${label}:off`] = avg(off[bucket]);
      log(
        `cold routing [history ${label}] (${xs.length} cases): NDCG@${targetK} routed ${avg(xs).toFixed(4)}, not routed ${avg(off[bucket]).toFixed(4)} -> ${route ? "on" : "off"}`,
      );
      return route;
    });
  }

  private learnBlend(all: ValidationCase[], options: FitOptions): void {
    const log = options.onProgress ?? ((): void => {});
    const t0 = performance.now();
    const rng = new Rng(options.seed ^ 0x4b1d);
    const max = Number(this.params.validationCases);
    const cases =
      all.length <= max
        ? all
        : Array.from(rng.shuffle(Int32Array.from(all.keys())).subarray(0, max))
            .sort((a, b) => a - b)
            .map((i) => all[i]);
    const norms: Normalization[] =
      this.params.normalize === "auto" ? [...NORMALIZATIONS] : [this.params.normalize as Normalization];
    const segments = this.params.lengthBuckets === "segments";
    const bucketCounts =
      this.params.lengthBuckets === "auto" ? [0, 4] : segments ? [0] : [Number(this.params.lengthBuckets)];
    const features = cases.map((c, n) => {
      const f = this.caseFeatures(c, norms, new Rng(options.seed ^ (n * 2654435761)));
      if ((n + 1) % 1000 === 0) log(`scored ${n + 1}/${cases.length} validation cases`);
      return f;
    });
    const lengths = features.map((f) => f.length);
    const targetK = Number(this.params.targetK);

    let chosen = { normalize: norms[0], buckets: bucketCounts[0] };
    if (norms.length * bucketCounts.length > 1) {
      // 2-fold cross-validation over the validation cases: learn on one half, measure on the other.
      const folds = [features.filter((_, n) => n % 2 === 0), features.filter((_, n) => n % 2 === 1)];
      let bestCv = -1;
      for (const normalize of norms) {
        for (const buckets of bucketCounts) {
          let cv = 0;
          for (let k = 0; k < 2; k++) {
            const learnOn = folds[k];
            const blend = this.fitBlend(
              learnOn,
              normalize,
              quantileBounds(
                learnOn.map((f) => f.length),
                buckets,
              ),
            );
            cv += blendNdcg(folds[1 - k], blend, targetK) / 2;
          }
          this.validationReport[`cv:${normalize}/buckets=${buckets}`] = cv;
          log(`2-fold CV NDCG@${targetK} ${normalize}, ${buckets} length bucket(s): ${cv.toFixed(4)}`);
          if (cv > bestCv + 1e-9) {
            bestCv = cv;
            chosen = { normalize, buckets };
          }
        }
      }
      log(`chosen by CV: ${chosen.normalize}, ${chosen.buckets} length bucket(s)`);
    }
    // Single components under the chosen normalisation (for the report).
    const m = this.components.length;
    for (let k = 0; k < m; k++) {
      const w = new Float64Array(m);
      w[k] = 1;
      this.validationReport[this.components[k].name] = blendNdcg(features, single(chosen.normalize, w), targetK);
    }
    const bounds = segments ? [...USER_SEGMENT_BOUNDS] : quantileBounds(lengths, chosen.buckets);
    this.blend = this.fitBlend(features, chosen.normalize, bounds, log);
    this.weights = this.blend.global;
    if (this.params.guard === "on") this.guardBlend(cases, features, log);
    this.validationReport.hybrid = blendNdcg(features, this.blend, targetK);
    this.chooseRouting(cases, log);
    log(
      `blend ${this.describeWeights()}: validation NDCG@${targetK} ${this.validationReport.hybrid.toFixed(4)} (learned in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }

  /** Global coordinate ascent, then per bucket starting from the global weights. */
  private fitBlend(
    features: CaseFeatures[],
    normalize: Normalization,
    bounds: number[],
    log?: (m: string) => void,
  ): Blend {
    const m = this.components.length;
    const targetK = Number(this.params.targetK);
    const score = (w: Float64Array, fs: CaseFeatures[]): number => blendNdcg(fs, single(normalize, w), targetK);
    const caseScore = (w: Float64Array, fs: CaseFeatures[]): Float64Array =>
      blendCaseNdcg(fs, single(normalize, w), targetK);
    const z = Number(this.params.minGainZ);
    const ascend = (fs: CaseFeatures[], start: Float64Array): Float64Array => {
      let weights = start;
      let best = score(weights, fs);
      for (let round = 0; round < Number(this.params.rounds); round++) {
        let improved = false;
        for (let k = 0; k < m; k++) {
          for (const g of WEIGHT_GRID) {
            if (g === weights[k]) continue;
            const w = weights.slice();
            w[k] = g;
            if (w.every((x) => x === 0)) continue;
            const v = score(w, fs);
            // With the guard, a part that had no weight enters only on a gain validation noise rarely gives.
            const entering = weights[k] === 0 && this.params.guard === "on";
            if (v > best + 1e-9 && (!entering || pairedGain(caseScore(w, fs), caseScore(weights, fs), z))) {
              best = v;
              weights = w;
              improved = true;
            }
          }
        }
        if (!improved) break;
      }
      return weights;
    };
    // start from the best single component
    const bestSingleOf = (fs: CaseFeatures[]): Float64Array => {
      let start = new Float64Array(m);
      let bestSingle = -1;
      for (let k = 0; k < m; k++) {
        const w = new Float64Array(m);
        w[k] = 1;
        const v = score(w, fs);
        if (v > bestSingle) {
          bestSingle = v;
          start = w;
        }
      }
      return start;
    };
    let global = ascend(features, bestSingleOf(features));
    if (this.params.guard === "on") global = prune(global, (x) => caseScore(x, features));
    log?.(
      `${normalize}: global weights ${Array.from(global).join(" ")} NDCG@${targetK} ${score(global, features).toFixed(4)}`,
    );
    if (bounds.length === 0) return single(normalize, global);
    const weights: Float64Array[] = [];
    for (let b = 0; b <= bounds.length; b++) {
      const inBucket = features.filter((f) => bucketOf(f.length, bounds) === b);
      const min = Number(
        this.params.lengthBuckets === "segments" ? this.params.minSegmentCases : this.params.minBucketCases,
      );
      // a segment starts from the global blend or its own best part, whichever does better on it
      const own = bestSingleOf(inBucket);
      const from = this.params.guard === "on" && score(own, inBucket) > score(global, inBucket) ? own : global;
      let w = inBucket.length >= min ? ascend(inBucket, from) : global;
      if (this.params.guard === "on" && inBucket.length > 0) w = prune(w, (x) => caseScore(x, inBucket));
      log?.(
        `${normalize}: bucket ${bucketLabel(bounds, b)} (${inBucket.length} cases) weights ${Array.from(w).join(" ")}`,
      );
      weights.push(w);
    }
    return { normalize, bounds, weights, global };
  }

  /**
   * Per bucket, the blend against every component alone on the validation cases, each ranked exactly as the
   * protocol ranks (not on the top-`poolSize` pool the weights were searched on): the bucket keeps the blend
   * only when it is strictly better, else it deploys the best single component (earlier components win ties,
   * so plain popularity, first in the default, is the fallback of last resort).
   */
  private guardBlend(cases: ValidationCase[], features: CaseFeatures[], log: (m: string) => void): void {
    const b = this.blend;
    const m = this.components.length;
    const nb = b.bounds.length + 1;
    // per bucket: per-case NDCG of the blend (row 0) and of each component alone (rows 1..m)
    const perCase = Array.from({ length: nb }, () => Array.from({ length: m + 1 }, () => [] as number[]));
    const counts = new Float64Array(nb);
    const targetK = Number(this.params.targetK);
    cases.forEach((c, n) => {
      const bucket = bucketOf(features[n].length, b.bounds);
      const w = b.weights[bucket];
      const query: Query = { history: c.history, timestamps: c.timestamps, now: c.now };
      const exclude = c.candidates === undefined ? new Set<number>(c.history) : undefined;
      const target = c.candidates === undefined ? c.target : 0;
      let blended: Float32Array | undefined;
      this.components.forEach((comp, k) => {
        const raw = c.candidates === undefined ? comp.scoreAll(query) : comp.scoreCandidates(query, c.candidates);
        perCase[bucket][k + 1].push(ndcgOfRank(expectedRank(raw, target, exclude), targetK));
        if (w[k] === 0) return;
        const ns = normalize(raw, b.normalize);
        if (blended === undefined) blended = ns.map((v) => v * w[k]);
        else for (let i = 0; i < ns.length; i++) blended[i] += w[k] * ns[i];
      });
      perCase[bucket][0].push(blended === undefined ? 0 : ndcgOfRank(expectedRank(blended, target, exclude), targetK));
      counts[bucket]++;
    });
    this.guardChoice = [];
    for (let bucket = 0; bucket < nb; bucket++) {
      const label = b.bounds.length === 0 ? "all" : bucketLabel(b.bounds, bucket);
      const n = Math.max(1, counts[bucket]);
      const avg = (xs: number[]): number => xs.reduce((a, x) => a + x, 0) / n;
      let bestK = -1;
      let bestSingle = -1;
      for (let k = 0; k < m; k++) {
        const v = avg(perCase[bucket][k + 1]);
        this.validationReport[`guard:${label}:${this.components[k].name}`] = v;
        if (v > bestSingle + 1e-12) {
          bestSingle = v;
          bestK = k;
        }
      }
      const blendV = avg(perCase[bucket][0]);
      this.validationReport[`guard:${label}:blend`] = blendV;
      this.validationReport[`guard:${label}:cases`] = counts[bucket];
      if (blendV > bestSingle + 1e-12) {
        this.guardChoice.push("blend");
      } else {
        const w = new Float64Array(m);
        w[bestK] = 1;
        b.weights[bucket] = w;
        this.guardChoice.push(this.components[bestK].name);
      }
      log(
        `guard [history ${label}] (${counts[bucket]} cases, exact ranking): blend NDCG@${targetK} ${blendV.toFixed(4)}, best single ${this.components[bestK].name} ${bestSingle.toFixed(4)} -> ${this.guardChoice[bucket]}`,
      );
    }
    if (b.bounds.length === 0) {
      b.global = b.weights[0];
      this.weights = b.global;
    }
  }

  /** Normalised component scores of one validation case under each requested normalisation. */
  private caseFeatures(c: ValidationCase, norms: Normalization[], rng: Rng): CaseFeatures {
    const query: Query = { history: c.history, timestamps: c.timestamps, now: c.now };
    const m = this.components.length;
    const f = new Map<Normalization, Float32Array>();
    if (c.candidates !== undefined) {
      const cands = c.candidates;
      const raw = this.components.map((comp) => comp.scoreCandidates(query, cands));
      for (const norm of norms) {
        const out = new Float32Array(m * cands.length);
        raw.forEach((s, k) => {
          out.set(normalize(s.slice(), norm), k * cands.length);
        });
        f.set(norm, out);
      }
      return { width: cands.length, length: c.history.length, f };
    }
    const raw = this.components.map((comp) => comp.scoreAll(query));
    // Every normalisation is monotone per component, so the pool of top items is the same for all of them.
    const pool = new Set<number>([c.target]);
    const history = new Set<number>(c.history);
    for (const s of raw) for (const i of topK(s, Number(this.params.poolSize), history)) pool.add(i);
    // The items outside the pool are not ignored: a sample of them stands for all of them, so a target tied
    // with hundreds of zero-scored items ranks behind them as in the protocol's full ranking (ranking within
    // the pool alone rewarded ties and made blends look better on validation than on test).
    const outside: number[] = [];
    const numItems = raw[0].length;
    for (let i = 0; i < numItems; i++) if (!pool.has(i) && !history.has(i)) outside.push(i);
    const sampleSize = Math.min(outside.length, Number(this.params.poolSize));
    for (let j = 0; j < sampleSize; j++) {
      const r = j + rng.int(outside.length - j);
      const t = outside[j];
      outside[j] = outside[r];
      outside[r] = t;
    }
    const sampled = outside.slice(0, sampleSize);
    const cands = Int32Array.from([...pool, ...sampled]);
    const mass = new Float32Array(cands.length).fill(1);
    for (let j = pool.size; j < cands.length; j++) mass[j] = outside.length / sampleSize;
    for (const norm of norms) {
      const out = new Float32Array(m * cands.length);
      raw.forEach((s, k) => {
        const ns = normalize(s.slice(), norm);
        for (let j = 0; j < cands.length; j++) out[k * cands.length + j] = ns[cands[j]];
      });
      f.set(norm, out);
    }
    return { width: cands.length, length: c.history.length, f, mass };
  }

  describeWeights(): string {
    const b = this.blend;
    const one = (w: Float64Array): string => this.components.map((c, k) => `${c.name}=${w[k]}`).join(" ");
    if (b.bounds.length === 0) return `${b.normalize}: ${one(b.weights[0])}`;
    return `${b.normalize}: ${b.weights.map((w, i) => `[history ${bucketLabel(b.bounds, i)}] ${one(w)}`).join("; ")}`;
  }

  private bucketFor(query: Query): number {
    const b = this.blend;
    return b.bounds.length === 0 ? 0 : bucketOf(query.history.length, b.bounds);
  }

  scoreAll(query: Query): Float32Array {
    return this.blendScores(query, null, this.blend.route?.[this.bucketFor(query)] === true);
  }

  scoreCandidates(query: Query, candidates: Int32Array): Float32Array {
    return this.blendScores(query, candidates, this.blend.route?.[this.bucketFor(query)] === true);
  }

  /** The bucket's blend over all items (candidates null) or the candidates, cold items routed when `route`. */
  private blendScores(query: Query, candidates: Int32Array | null, route: boolean): Float32Array {
    const out = candidates === null ? this.blendAll(query) : this.blendCandidates(query, candidates);
    const router = this.routerIndex;
    const cold = this.cold;
    if (!route || router < 0 || cold === null) return out;
    const comp = this.components[router];
    const r = candidates === null ? comp.scoreAll(query) : comp.scoreCandidates(query, candidates);
    return routeCold(out, r, candidates === null ? (j) => cold[j] === 1 : (j) => cold[candidates[j]] === 1);
  }

  private blendAll(query: Query): Float32Array {
    const weights = this.blend.weights[this.bucketFor(query)];
    let out: Float32Array | undefined;
    this.components.forEach((c, k) => {
      const w = weights[k];
      if (w === 0) return;
      const s = normalize(c.scoreAll(query), this.blend.normalize);
      if (out === undefined) {
        out = s;
        for (let i = 0; i < s.length; i++) s[i] *= w;
      } else {
        for (let i = 0; i < s.length; i++) out[i] += w * s[i];
      }
    });
    if (out === undefined) throw new Error("hybrid: all weights are zero");
    return out;
  }

  private blendCandidates(query: Query, candidates: Int32Array): Float32Array {
    const weights = this.blend.weights[this.bucketFor(query)];
    const out = new Float32Array(candidates.length);
    this.components.forEach((c, k) => {
      const w = weights[k];
      if (w === 0) return;
      const s = normalize(c.scoreCandidates(query, candidates), this.blend.normalize);
      for (let j = 0; j < s.length; j++) out[j] += w * s[j];
    });
    return out;
  }

  save(): ModelArtifact {
    const blobs: ModelArtifact["blobs"] = {};
    const parts = this.components.map((c, k) => {
      const a = c.save();
      for (const [name, b] of Object.entries(a.blobs)) blobs[`${k}/${name}`] = b;
      return { model: a.model, version: a.version, params: a.params, weight: this.weights[k] };
    });
    // cold items (no training interactions) as indices, for routing after a load
    if (this.cold !== null) {
      const cold: number[] = [];
      this.cold.forEach((x, i) => {
        if (x === 1) cold.push(i);
      });
      blobs.coldItems = Int32Array.from(cold);
    }
    return {
      model: this.name,
      params: { ...this.params, components: parts, validation: this.validationReport, blend: this.blendSpec },
      blobs,
      itemIds: this.components[0].save().itemIds,
    };
  }

  static load(artifact: ModelArtifact, loadComponent: ComponentLoader): HybridRecommender {
    const parts = artifact.params.components;
    if (!Array.isArray(parts)) throw new Error("hybrid artifact: params.components missing");
    const components: Recommender[] = [];
    const weights: number[] = [];
    parts.forEach((raw: unknown, k) => {
      const part = raw as { model: string; version?: string; params: Record<string, unknown>; weight: number };
      const prefix = `${k}/`;
      const blobs: ModelArtifact["blobs"] = {};
      for (const [name, b] of Object.entries(artifact.blobs))
        if (name.startsWith(prefix)) blobs[name.slice(prefix.length)] = b;
      components.push(
        loadComponent({
          model: part.model,
          version: part.version,
          params: part.params,
          blobs,
          itemIds: artifact.itemIds,
        }),
      );
      weights.push(part.weight);
    });
    const h = new HybridRecommender(components, artifact.params);
    h.weights = Float64Array.from(weights);
    const spec = artifact.params.blend as
      | { normalize: Normalization; bounds: number[]; weights: number[][]; route?: boolean[] }
      | undefined;
    const coldItems = artifact.blobs.coldItems;
    if (coldItems instanceof Int32Array) {
      h.cold = new Uint8Array(artifact.itemIds.length);
      for (const i of coldItems) if (i >= 0 && i < h.cold.length) h.cold[i] = 1;
    }
    // Artifacts from before per-bucket blends: min-max normalisation, one weight vector.
    h.blend =
      spec === undefined
        ? single("minmax", h.weights)
        : {
            normalize: spec.normalize,
            bounds: [...spec.bounds],
            weights: spec.weights.map((w) => Float64Array.from(w)),
            global: h.weights,
            route: spec.route?.map((r) => r === true),
          };
    return h;
  }
}

/** Sets to zero every weight whose removal does not lower the validation NDCG: a part that does not help gets none. */
function prune(weights: Float64Array, caseScores: (w: Float64Array) => Float64Array): Float64Array {
  const avg = (v: Float64Array): number => v.reduce((a, x) => a + x, 0) / Math.max(1, v.length);
  let w = weights;
  let best = avg(caseScores(w));
  for (let k = 0; k < w.length; k++) {
    if (w[k] === 0) continue;
    const tryW = w.slice();
    tryW[k] = 0;
    if (tryW.every((x) => x === 0)) continue;
    const v = avg(caseScores(tryW));
    if (v >= best - 1e-12) {
      w = tryW;
      best = Math.max(best, v);
    }
  }
  return w;
}

function single(normalize: Normalization, w: Float64Array): Blend {
  return { normalize, bounds: [], weights: [w], global: w };
}

/** Mean NDCG@k of the target (column 0) under a blend; ties count half (expected rank under random tie-breaking). */
function blendNdcg(features: CaseFeatures[], blend: Blend, k: number): number {
  const v = blendCaseNdcg(features, blend, k);
  let total = 0;
  for (const x of v) total += x;
  return total / Math.max(1, features.length);
}

/** Per-case NDCG@k of the target (column 0) under a blend. */
function blendCaseNdcg(features: CaseFeatures[], blend: Blend, k: number): Float64Array {
  const out = new Float64Array(features.length);
  features.forEach((c, n) => {
    const f = c.f.get(blend.normalize);
    if (f === undefined) throw new Error(`hybrid: no ${blend.normalize} features`);
    const w = blend.bounds.length === 0 ? blend.weights[0] : blend.weights[bucketOf(c.length, blend.bounds)];
    const m = w.length;
    const width = c.width;
    let target = 0;
    for (let q = 0; q < m; q++) if (w[q] !== 0) target += w[q] * f[q * width];
    const mass = c.mass;
    let greater = 0;
    let ties = 0;
    for (let j = 1; j < width; j++) {
      let s = 0;
      for (let q = 0; q < m; q++) if (w[q] !== 0) s += w[q] * f[q * width + j];
      const x = mass === undefined ? 1 : mass[j];
      if (s > target) greater += x;
      else if (s === target) ties += x;
    }
    const rank = greater + ties / 2;
    if (rank < k) out[n] = 1 / Math.log2(rank + 2);
  });
  return out;
}

/**
 * True when `a` beats `b` on the same cases by more than `z` standard errors of the paired per-case
 * difference: a gain that validation noise alone would rarely give (z = 2: about one time in forty).
 */
export function pairedGain(a: ArrayLike<number>, b: ArrayLike<number>, z: number): boolean {
  const n = a.length;
  if (n === 0) return false;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    sum += d;
    sq += d * d;
  }
  const meanD = sum / n;
  const variance = n > 1 ? Math.max(0, (sq - n * meanD * meanD) / (n - 1)) : 0;
  return meanD > 1e-12 && meanD > z * Math.sqrt(variance / n);
}

/** Bucket of a history length: the first bound it does not exceed, else the last (open) bucket. */
export function bucketOf(length: number, bounds: readonly number[]): number {
  let b = 0;
  while (b < bounds.length && length > bounds[b]) b++;
  return b;
}

function bucketLabel(bounds: readonly number[], b: number): string {
  const lo = b === 0 ? 0 : bounds[b - 1] + 1;
  return b === bounds.length ? `≥ ${lo}` : `${lo}–${bounds[b]}`;
}

/** Upper bounds splitting `lengths` into about `n` equal-count buckets (distinct, increasing; empty for n ≤ 1). */
export function quantileBounds(lengths: readonly number[], n: number): number[] {
  if (n <= 1 || lengths.length === 0) return [];
  const sorted = [...lengths].sort((a, b) => a - b);
  const bounds: number[] = [];
  for (let q = 1; q < n; q++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((q * sorted.length) / n) - 1)];
    if ((bounds.length === 0 || v > bounds[bounds.length - 1]) && v < sorted[sorted.length - 1]) bounds.push(v);
  }
  return bounds;
}

/** Per-query normalisation of a score vector, in place (non-finite entries, e.g. −∞, stay at the bottom). */
export function normalize(s: Float32Array, how: Normalization): Float32Array {
  if (how === "minmax") return normalizeMinMax(s);
  if (how === "zscore") return normalizeZ(s);
  return normalizeRank(s);
}

/** (s - min) / (max - min) over finite entries, in place; a constant vector becomes all zeros. */
export function normalizeMinMax(s: Float32Array): Float32Array {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < s.length; i++) {
    const v = s[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return s.fill(0);
  for (let i = 0; i < s.length; i++) s[i] = (s[i] - lo) / span;
  return s;
}

/** (s - mean) / std over the finite entries, in place (others stay as they are); a constant vector becomes all zeros. */
export function normalizeZ(s: Float32Array): Float32Array {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < s.length; i++)
    if (Number.isFinite(s[i])) {
      sum += s[i];
      n++;
    }
  const mean = sum / Math.max(1, n);
  let sq = 0;
  for (let i = 0; i < s.length; i++) if (Number.isFinite(s[i])) sq += (s[i] - mean) ** 2;
  const std = Math.sqrt(sq / Math.max(1, n));
  if (!(std > 0) || !Number.isFinite(std)) return s.fill(0);
  for (let i = 0; i < s.length; i++) s[i] = (s[i] - mean) / std;
  return s;
}

/** Share of the entries scored strictly below each one, ties counted half: in [0, 1), in place. */
export function normalizeRank(s: Float32Array): Float32Array {
  const n = s.length;
  if (n <= 1) return s.fill(0);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => (s[a] < s[b] ? -1 : s[a] > s[b] ? 1 : 0));
  const out = new Float32Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && s[order[j + 1]] === s[order[i]]) j++;
    const r = (i + (j - i) / 2) / (n - 1);
    for (let t = i; t <= j; t++) out[order[t]] = r;
    i = j + 1;
  }
  s.set(out);
  return s;
}
