/**
 * SASRec training loop: shuffled mini-batches of users, Adam, and validation HR@10 / NDCG@10 for early
 * stopping (best parameters are kept), ranked as the protocol ranks: a case that carries the protocol's
 * candidates (sampled protocol, target first) is ranked among them; one without is ranked against every item
 * outside its history (full ranking). The epoch budget is fixed; `maxSeconds` is only a safety cap.
 */
import { Adam } from "./adam.js";
import type { GradBackend } from "./backend.js";
import { GradEngine, targetCount, type SeqStore, type StepSpec, type TrainHyper } from "./engine.js";
import { RankAccumulator, rankFirst, type HitNdcg, type RankCase } from "./metrics.js";
import type { Layout } from "./params.js";
import { mixSeed, Rng } from "../../core/rng.js";
import { encodeLast, scoreItems } from "./scorer.js";

export interface TrainConfig extends TrainHyper {
  lr: number;
  /** Adam rate for item-embedding rows. */
  embLr: number;
  batchSize: number;
  /** Shared negatives per step for the softmax loss. */
  negatives: number;
  maxEpochs: number;
  /** Stop after this many seconds of training (checked after each epoch). */
  maxSeconds: number;
  evalEvery: number;
  /** Stop after this many evaluations without a better validation HR@10. */
  patience: number;
  /** Validation users evaluated (a fixed seeded subset). */
  valUsers: number;
  threads: number;
  /** Learning-rate schedule over `scheduleEpochs` (0: maxEpochs): constant, linear or cosine decay to lrMin × lr. */
  lrSchedule: "constant" | "linear" | "cosine";
  /** Floor of the decayed rate, as a fraction of lr / embLr. */
  lrMin: number;
  /** Horizon of the schedule in epochs (0: maxEpochs); a refit that stops early keeps the same curve. */
  scheduleEpochs: number;
  /** Decoupled (AdamW) weight decay per step, scaled by the current rate; item rows decay when touched. */
  weightDecay: number;
}

/** Rate multiplier at `progress` epochs (fractional) into a schedule of `horizon` epochs. */
export function lrFactor(
  schedule: TrainConfig["lrSchedule"],
  lrMin: number,
  progress: number,
  horizon: number,
): number {
  if (schedule === "constant" || horizon <= 0) return 1;
  const p = Math.min(1, Math.max(0, progress / horizon));
  const shape = schedule === "linear" ? 1 - p : 0.5 * (1 + Math.cos(Math.PI * p));
  return lrMin + (1 - lrMin) * shape;
}

export interface EpochLog {
  epoch: number;
  seconds: number;
  loss: number;
  val?: HitNdcg;
}

export interface TrainReport {
  epochs: number;
  seconds: number;
  bestEpoch: number;
  best?: HitNdcg;
  curve: EpochLog[];
}

/** Single-thread backend: the engine writes straight into the shared gradient. */
export function localBackend(layout: Layout, theta: Float32Array, store: SeqStore, hyper: TrainHyper): GradBackend {
  const grad = new Float32Array(layout.total);
  const engine = new GradEngine(layout, theta, grad, store, hyper);
  return {
    slices: 1,
    grad,
    touched: engine.touched,
    run: (specs) => {
      let loss = 0;
      let tokens = 0;
      for (const s of specs) {
        const r = engine.run(s);
        loss += r.loss;
        tokens += r.tokens;
      }
      return Promise.resolve({ loss, tokens });
    },
    close: () => Promise.resolve(),
  };
}

/** A validation case as the protocol ranks it: the candidates (target first) or, when absent, all items. */
export interface ValCase extends RankCase {
  candidates?: Int32Array;
}

/**
 * HR@10 / NDCG@10 of validation cases ranked as the protocol ranks them: among the case's candidates
 * (target first) when it has them, else against every item outside its history (full ranking; ties count
 * against the target, as in rankFirst). Several parameter vectors (an ensemble) are scored by their mean.
 */
export function protocolMetrics(
  layout: Layout,
  theta: Float32Array | readonly Float32Array[],
  cases: readonly ValCase[],
): HitNdcg {
  const thetas = theta instanceof Float32Array ? [theta] : theta;
  const histories = cases.map((c) => c.history);
  const us = thetas.map((t) => encodeLast(layout, t, histories));
  const d = layout.shape.dim;
  const acc = new RankAccumulator(10);
  const scores = (i: number, items: Int32Array | null): Float32Array => {
    let sum: Float32Array | null = null;
    thetas.forEach((t, k) => {
      const s = scoreItems(layout, t, us[k].subarray(i * d, i * d + d), items);
      if (sum === null) sum = s;
      else for (let j = 0; j < s.length; j++) sum[j] += s[j];
    });
    return sum as unknown as Float32Array;
  };
  cases.forEach((c, i) => {
    if (c.candidates !== undefined) {
      acc.add(rankFirst(scores(i, c.candidates)));
      return;
    }
    const s = scores(i, null);
    const t = s[c.target];
    for (const h of c.history) if (h !== c.target && h >= 0 && h < s.length) s[h] = Number.NEGATIVE_INFINITY;
    let r = 0;
    for (let j = 0; j < s.length; j++) if (j !== c.target && s[j] >= t) r++;
    acc.add(r);
  });
  return acc.result();
}

/** The fixed seeded validation subset early stopping ranks (at most `count` cases). */
export function validationSubset(validation: readonly ValCase[], count: number, seed: number): ValCase[] {
  if (validation.length === 0) return [];
  const order = new Rng(mixSeed(seed, 2)).shuffle(Int32Array.from({ length: validation.length }, (_, i) => i));
  return Array.from(order.subarray(0, Math.min(count, validation.length)), (i) => validation[i]);
}

/** Sampled HR@10/NDCG@10 of validation cases (target vs its 100 fixed negatives). */
export function sampledMetrics(
  layout: Layout,
  theta: Float32Array,
  cases: readonly RankCase[],
  negs: readonly Int32Array[],
): HitNdcg {
  const u = encodeLast(
    layout,
    theta,
    cases.map((c) => c.history),
  );
  const d = layout.shape.dim;
  const acc = new RankAccumulator(10);
  const cand = new Int32Array(negs[0]?.length + 1 || 1);
  cases.forEach((c, i) => {
    cand[0] = c.target;
    cand.set(negs[i], 1);
    acc.add(rankFirst(scoreItems(layout, theta, u.subarray(i * d, i * d + d), cand)));
  });
  return acc.result();
}

/** Splits a batch into `parts` contiguous slices of about equal token count. */
function split(batch: Int32Array, store: SeqStore, maxLen: number, parts: number): Int32Array[] {
  if (parts === 1) return [batch];
  const tok = Array.from(batch, (s) => targetCount(store.offsets[s + 1] - store.offsets[s], maxLen));
  const total = tok.reduce((a, b) => a + b, 0);
  const out: Int32Array[] = [];
  let from = 0;
  let acc = 0;
  for (let p = 1; p < parts; p++) {
    let to = from;
    while (to < batch.length && acc + tok[to] <= (total * p) / parts) acc += tok[to++];
    out.push(batch.subarray(from, to));
    from = to;
  }
  out.push(batch.subarray(from));
  return out;
}

/** Validation HR@10, ties broken by NDCG@10 (HR saturates on easy data). */
function better(a: HitNdcg, b: HitNdcg): boolean {
  return a.hr > b.hr || (a.hr === b.hr && a.ndcg > b.ndcg);
}

export async function train(
  layout: Layout,
  theta: Float32Array,
  store: SeqStore,
  cfg: TrainConfig,
  backend: GradBackend,
  seed: number,
  validation: readonly ValCase[] | undefined,
  log: (m: string) => void,
  /** Seconds for the maxSeconds budget; wall clock unless the caller supplies another. */
  clock: () => number = () => performance.now() / 1000,
): Promise<TrainReport> {
  const rng = new Rng(mixSeed(seed, 1));
  const numItems = layout.shape.numItems;
  const users = Int32Array.from({ length: store.offsets.length - 1 }, (_, i) => i).filter(
    (s) => targetCount(store.offsets[s + 1] - store.offsets[s], cfg.maxLen) > 0,
  );
  // a fixed seeded validation subset, ranked as the protocol ranks it (its candidates, or all items)
  const valCases = validation === undefined ? [] : validationSubset(validation, cfg.valUsers, seed);
  const adam = new Adam(layout.total);
  const best = theta.slice();
  const report: TrainReport = { epochs: 0, seconds: 0, bestEpoch: 0, curve: [] };
  let sinceBest = 0;
  const t0 = clock();
  const horizon = cfg.scheduleEpochs > 0 ? cfg.scheduleEpochs : cfg.maxEpochs;
  for (let epoch = 1; epoch <= cfg.maxEpochs; epoch++) {
    rng.shuffle(users);
    let lossSum = 0;
    let tokSum = 0;
    for (let b = 0; b < users.length; b += cfg.batchSize) {
      const batch = users.subarray(b, Math.min(b + cfg.batchSize, users.length));
      let norm = 0;
      for (const s of batch) norm += targetCount(store.offsets[s + 1] - store.offsets[s], cfg.maxLen);
      const negatives = new Int32Array(cfg.loss === "softmax" ? cfg.negatives : 0);
      for (let k = 0; k < negatives.length; k++) negatives[k] = rng.int(numItems);
      const stepSeed = mixSeed(seed, epoch, b);
      const specs: StepSpec[] = split(batch, store, cfg.maxLen, backend.slices).map((seqs, p) => ({
        seqs,
        negatives,
        norm,
        seed: mixSeed(stepSeed, p),
      }));
      const r = await backend.run(specs);
      lossSum += r.loss;
      tokSum += r.tokens;
      const f = lrFactor(cfg.lrSchedule, cfg.lrMin, epoch - 1 + b / users.length, horizon);
      adam.step(layout, theta, backend.grad, backend.touched, cfg.lr * f, cfg.embLr * f, cfg.weightDecay);
    }
    const entry: EpochLog = { epoch, seconds: clock() - t0, loss: lossSum / Math.max(1, tokSum) };
    const last = epoch === cfg.maxEpochs || entry.seconds >= cfg.maxSeconds;
    if (valCases.length > 0 && (epoch % cfg.evalEvery === 0 || last)) {
      entry.val = protocolMetrics(layout, theta, valCases);
      if (report.best === undefined || better(entry.val, report.best)) {
        report.best = entry.val;
        report.bestEpoch = epoch;
        best.set(theta);
        sinceBest = 0;
      } else sinceBest++;
    }
    entry.seconds = clock() - t0;
    report.curve.push(entry);
    report.epochs = epoch;
    log(
      `epoch ${epoch} loss ${entry.loss.toFixed(4)} time ${entry.seconds.toFixed(1)}s` +
        (entry.val ? ` val HR@10 ${entry.val.hr.toFixed(4)} NDCG@10 ${entry.val.ndcg.toFixed(4)}` : ""),
    );
    if (last || sinceBest >= cfg.patience) break;
  }
  if (report.best !== undefined) theta.set(best);
  report.seconds = clock() - t0;
  return report;
}
