/**
 * SASRec (Kang & McAuley, ICDM 2018) as a Recommender: self-attentive next-item model trained on CPU
 * with hand-written Float32Array kernels. Scoring uses only typed arrays (workerd-safe); training with
 * threads > 1 dynamically imports the Node-only worker backend.
 */
import type { FitOptions, ModelArtifact, Query, Recommender, TrainData } from "../../core/recommender.js";
import type { GradBackend } from "./backend.js";
import type { SeqStore } from "./engine.js";
import { initParams, makeLayout, type Layout } from "./params.js";
import { mixSeed } from "../../core/rng.js";
import { encodeLast, scoreItems } from "./scorer.js";
import {
  localBackend,
  lrFactor,
  protocolMetrics,
  train,
  type TrainConfig,
  type TrainReport,
  validationSubset,
} from "./trainer.js";

export interface SasrecOptions extends TrainConfig {
  dim: number;
  blocks: number;
  /** Init std of item and position embeddings. */
  embStd: number;
  /**
   * What a fit without validation cases does after a fit with them (the harness's `--refit` on train +
   * validation events): `scratch` retrains from a fresh init for the epoch count chosen on validation (same
   * seed and schedule); `warm` continues from the fitted weights for `refitEpochs` epochs at the schedule's
   * final rate; `keep` keeps the fitted weights (no training). A first fit without validation always trains
   * from scratch for maxEpochs.
   */
  refit: "scratch" | "warm" | "keep";
  refitEpochs: number;
  /**
   * Independently trained members (different seeds: init, batch order, dropout, negatives), each early-stopped
   * on validation; scores are the members' mean logit. 1 = a single model.
   */
  ensemble: number;
}

export const SASREC_DEFAULTS: SasrecOptions = {
  dim: 64,
  blocks: 2,
  maxLen: 50,
  dropout: 0.5,
  loss: "softmax",
  negatives: 256,
  lr: 3e-3,
  embLr: 3e-3,
  embStd: 0.02,
  batchSize: 64,
  // A fixed epoch budget (about what the old 840 s wall-clock cap allowed on Games, quiet machine), and no
  // wall-clock cap (1e9 s, JSON-safe): a cap made results depend on the machine's load (issue 19).
  maxEpochs: 30,
  maxSeconds: 1e9,
  evalEvery: 1,
  patience: 5,
  valUsers: 2000,
  threads: 2,
  lrSchedule: "constant",
  lrMin: 0.05,
  scheduleEpochs: 0,
  weightDecay: 0,
  refit: "scratch",
  refitEpochs: 2,
  ensemble: 1,
};

const VERSION = "1";

/** Seed of ensemble member k (member 0 keeps the model's seed, so ensemble=1 is the single model). */
function memberSeed(seed: number, k: number): number {
  return k === 0 ? seed : mixSeed(seed, 1000 + k);
}

export class SasrecRecommender implements Recommender {
  readonly name = "sasrec";
  readonly options: SasrecOptions;
  private layout: Layout | null = null;
  /** One parameter vector per ensemble member. */
  private thetas: Float32Array[] = [];
  private itemIds: string[] = [];
  /** Training report of each member (member 0 first). */
  reports: TrainReport[] = [];
  /** Seconds clock for the maxSeconds budget (default: wall clock). */
  budgetClock: (() => number) | undefined;

  /** Accepts typed options or CLI-style strings (`--param sasrec.dim=50`). */
  constructor(options: Partial<SasrecOptions> | Record<string, unknown> = {}) {
    this.options = { ...SASREC_DEFAULTS, ...coerce(options) };
    if (!Number.isInteger(this.options.ensemble) || this.options.ensemble < 1)
      throw new Error(`sasrec: ensemble must be a positive integer, got ${this.options.ensemble}`);
  }

  /** Member 0's report (the single model's when ensemble = 1). */
  get lastReport(): TrainReport | null {
    return this.reports[0] ?? null;
  }

  async fit(data: TrainData, options: FitOptions): Promise<void> {
    const log = options.onProgress ?? ((): void => {});
    const layout = makeLayout({
      numItems: data.numItems,
      dim: this.options.dim,
      blocks: this.options.blocks,
      maxLen: this.options.maxLen,
    });
    const n = this.options.ensemble;
    const canRefit =
      (options.validation === undefined || options.validation.length === 0) &&
      this.thetas.length === n &&
      this.reports.length === n &&
      this.layout !== null &&
      this.layout.total === layout.total;
    // every member early-stops on the same validation cases (member seeds would otherwise pick other subsets)
    const validation =
      n > 1 && options.validation !== undefined
        ? validationSubset(options.validation, this.options.valUsers, options.seed)
        : options.validation;
    const memberOptions: FitOptions = { ...options, validation };
    const thetas: Float32Array[] = [];
    const reports: TrainReport[] = [];
    for (let k = 0; k < n; k++) {
      const memberLog = n === 1 ? log : (m: string): void => log(`[member ${k + 1}/${n}] ${m}`);
      const prior = canRefit && this.reports[k].bestEpoch > 0 ? this.reports[k] : null;
      const r = await this.fitMember(
        layout,
        data,
        memberOptions,
        memberSeed(options.seed, k),
        prior,
        this.thetas[k],
        memberLog,
      );
      thetas.push(r.theta);
      reports.push(r.report);
    }
    if (n > 1 && validation !== undefined && validation.length > 0) {
      const m = protocolMetrics(layout, thetas, validation);
      log(`sasrec: ensemble of ${n} on validation HR@10 ${m.hr.toFixed(4)} NDCG@10 ${m.ndcg.toFixed(4)}`);
    }
    this.layout = layout;
    this.thetas = thetas;
    this.reports = reports;
    this.itemIds = data.itemIds;
  }

  /** Trains one member: from scratch, or as the refit of a member fitted with validation (`prior`). */
  private async fitMember(
    layout: Layout,
    data: TrainData,
    options: FitOptions,
    seed: number,
    prior: TrainReport | null,
    priorTheta: Float32Array | undefined,
    log: (m: string) => void,
  ): Promise<{ theta: Float32Array; report: TrainReport }> {
    let o: SasrecOptions = this.options;
    let warmFrom: Float32Array | null = null;
    if (prior !== null && priorTheta !== undefined) {
      const horizon = o.scheduleEpochs > 0 ? o.scheduleEpochs : o.maxEpochs;
      if (o.refit === "keep") {
        log(`sasrec: refit=keep, keeping the weights of epoch ${prior.bestEpoch}`);
        return { theta: priorTheta, report: prior };
      }
      if (o.refit === "warm") {
        const f = lrFactor(o.lrSchedule, o.lrMin, prior.bestEpoch, horizon);
        o = { ...o, maxEpochs: o.refitEpochs, lrSchedule: "constant", lr: o.lr * f, embLr: o.embLr * f };
        warmFrom = priorTheta;
        log(
          `sasrec: refit=warm, ${o.refitEpochs} epoch(s) from the epoch-${prior.bestEpoch} weights at rate factor ${f.toFixed(3)}`,
        );
      } else {
        o = { ...o, maxEpochs: prior.bestEpoch, scheduleEpochs: horizon };
        log(`sasrec: refit=scratch, ${prior.bestEpoch} epoch(s) (chosen on validation) from a fresh init`);
      }
    }
    const threads = Math.max(1, o.threads);
    // workers read the parameters in place, so they must live in shared memory
    const theta =
      threads > 1 ? new Float32Array(new SharedArrayBuffer(layout.total * 4)) : new Float32Array(layout.total);
    if (warmFrom !== null) theta.set(warmFrom);
    else initParams(layout, theta, mixSeed(seed, 0), o.embStd);
    const store = toStore(data, o.maxLen);
    let backend: GradBackend;
    if (threads > 1) {
      const { workerBackend } = await import("./worker-backend.js");
      backend = workerBackend(layout, theta, store, o, threads);
    } else backend = localBackend(layout, theta, store, o);
    log(
      `sasrec: ${store.offsets.length - 1} sequences, ${data.numItems} items, ${layout.total} params, ${threads} thread(s)`,
    );
    try {
      const report = await train(layout, theta, store, o, backend, seed, options.validation, log, this.budgetClock);
      // a refit has no validation: keep the validation-chosen epoch count for the next refit
      return {
        theta,
        report: prior !== null ? { ...report, bestEpoch: prior.bestEpoch, best: prior.best } : report,
      };
    } finally {
      await backend.close();
    }
  }

  private model(): { layout: Layout; thetas: Float32Array[] } {
    if (this.layout === null || this.thetas.length === 0) throw new Error("sasrec: not fitted or loaded");
    return { layout: this.layout, thetas: this.thetas };
  }

  /** Mean of the members' scores of `items` (all items when null). */
  private score(query: Query, items: Int32Array | null): Float32Array {
    const { layout, thetas } = this.model();
    let sum: Float32Array | null = null;
    for (const theta of thetas) {
      const s = scoreItems(layout, theta, encodeLast(layout, theta, [query.history]), items);
      if (sum === null) sum = s;
      else for (let j = 0; j < s.length; j++) sum[j] += s[j];
    }
    const out = sum as Float32Array;
    if (thetas.length > 1) for (let j = 0; j < out.length; j++) out[j] /= thetas.length;
    return out;
  }

  scoreAll(query: Query): Float32Array {
    return this.score(query, null);
  }

  scoreCandidates(query: Query, candidates: Int32Array): Float32Array {
    return this.score(query, candidates);
  }

  save(): ModelArtifact {
    const { layout, thetas } = this.model();
    const blobs: Record<string, Float32Array> = { theta: thetas[0].slice() };
    for (let k = 1; k < thetas.length; k++) blobs[`theta${k}`] = thetas[k].slice();
    return {
      model: "sasrec",
      version: VERSION,
      params: { ...this.options, ensemble: thetas.length, numItems: layout.shape.numItems },
      blobs,
      itemIds: this.itemIds,
    };
  }

  static load(artifact: ModelArtifact): SasrecRecommender {
    if (artifact.model !== "sasrec") throw new Error(`not a sasrec artifact: ${artifact.model}`);
    const p = artifact.params;
    if (typeof p.numItems !== "number") throw new Error("sasrec: malformed artifact");
    const m = new SasrecRecommender(p);
    const o = m.options;
    const layout = makeLayout({ numItems: Number(p.numItems), dim: o.dim, blocks: o.blocks, maxLen: o.maxLen });
    const thetas: Float32Array[] = [];
    for (let k = 0; k < o.ensemble; k++) {
      const theta = artifact.blobs[k === 0 ? "theta" : `theta${k}`];
      if (!(theta instanceof Float32Array)) throw new Error(`sasrec: malformed artifact (member ${k} missing)`);
      if (theta.length !== layout.total)
        throw new Error(`sasrec: theta has ${theta.length} floats, expected ${layout.total}`);
      thetas.push(theta);
    }
    m.layout = layout;
    m.thetas = thetas;
    m.itemIds = artifact.itemIds;
    return m;
  }
}

export function loadSasrec(artifact: ModelArtifact): SasrecRecommender {
  return SasrecRecommender.load(artifact);
}

function coerce(raw: Record<string, unknown>): Partial<SasrecOptions> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!(k in SASREC_DEFAULTS) || v === undefined) continue;
    const isNum = typeof SASREC_DEFAULTS[k as keyof SasrecOptions] === "number";
    const x = isNum ? Number(v) : String(v);
    if (isNum && !Number.isFinite(x)) throw new Error(`sasrec: ${k} must be a number, got ${String(v)}`);
    out[k] = x;
  }
  if (out.loss !== undefined && out.loss !== "bce" && out.loss !== "softmax")
    throw new Error(`sasrec: unknown loss ${String(out.loss)}`);
  if (out.lrSchedule !== undefined && !["constant", "linear", "cosine"].includes(String(out.lrSchedule)))
    throw new Error(`sasrec: unknown lrSchedule ${String(out.lrSchedule)}`);
  if (out.refit !== undefined && !["scratch", "warm", "keep"].includes(String(out.refit)))
    throw new Error(`sasrec: unknown refit ${String(out.refit)}`);
  return out as Partial<SasrecOptions>;
}

/** Flattens the training sequences, keeping the last maxLen + 1 items (inputs + shifted targets). */
function toStore(data: TrainData, maxLen: number): SeqStore {
  const seqs = data.sequences.map((s) => s.items.subarray(Math.max(0, s.items.length - maxLen - 1)));
  const offsets = new Int32Array(seqs.length + 1);
  seqs.forEach((s, i) => {
    offsets[i + 1] = offsets[i] + s.length;
  });
  const flat = new Int32Array(offsets[seqs.length]);
  seqs.forEach((s, i) => {
    flat.set(s, offsets[i]);
  });
  return { data: flat, offsets };
}
