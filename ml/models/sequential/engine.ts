/**
 * One thread's share of a training step: forward with dropout, loss, backward, gradients summed into
 * `grad` (same layout as theta). Used directly on the main thread or inside a worker.
 */
import { backward, TouchedRows } from "./backward.js";
import { forward, makeBatch } from "./encoder.js";
import { lossAndGrad, type LossKind } from "./loss.js";
import type { Layout } from "./params.js";
import { Rng } from "../../core/rng.js";

/** Training sequences, flattened so they can be shared with workers. */
export interface SeqStore {
  data: Int32Array;
  /** Sequence s is data[offsets[s], offsets[s+1]). */
  offsets: Int32Array;
}

export interface StepSpec {
  /** Indices into the store of this thread's sequences. */
  seqs: Int32Array;
  /** Shared negatives (softmax loss); ignored by bce, which samples its own. */
  negatives: Int32Array;
  /** Total target tokens of the whole batch (loss normaliser). */
  norm: number;
  seed: number;
}

export interface TrainHyper {
  loss: LossKind;
  dropout: number;
  maxLen: number;
}

/** Number of target tokens a sequence contributes (inputs are seq[:-1], targets seq[1:], last maxLen). */
export function targetCount(len: number, maxLen: number): number {
  return Math.max(0, Math.min(len - 1, maxLen));
}

export class GradEngine {
  readonly touched: TouchedRows;
  constructor(
    private readonly layout: Layout,
    private readonly theta: Float32Array,
    readonly grad: Float32Array,
    private readonly store: SeqStore,
    private readonly hyper: TrainHyper,
  ) {
    this.touched = new TouchedRows(layout.shape.numItems);
  }

  /** Adds this slice's gradient to grad; returns the summed loss and token count. */
  run(spec: StepSpec): { loss: number; tokens: number } {
    const { maxLen, dropout } = this.hyper;
    const inputs: Int32Array[] = [];
    const targets: Int32Array[] = [];
    for (const s of spec.seqs) {
      const seq = this.store.data.subarray(this.store.offsets[s], this.store.offsets[s + 1]);
      const T = targetCount(seq.length, maxLen);
      if (T === 0) continue;
      inputs.push(seq.subarray(seq.length - 1 - T, seq.length - 1));
      targets.push(seq.subarray(seq.length - T));
    }
    if (inputs.length === 0) return { loss: 0, tokens: 0 };
    const batch = makeBatch(inputs, maxLen);
    const tgt = new Int32Array(batch.numTok);
    for (let s = 0; s < inputs.length; s++) tgt.set(targets[s], batch.seqStart[s]);
    const rng = new Rng(spec.seed);
    const acts = forward(this.layout, this.theta, batch, dropout, rng);
    const negatives =
      this.hyper.loss === "bce" ? this.bceNegatives(inputs, targets, batch.numTok, rng) : spec.negatives;
    const dz = new Float32Array(acts.z.length);
    const loss = lossAndGrad(
      this.hyper.loss,
      this.layout,
      this.theta,
      this.grad,
      { z: acts.z, numTok: batch.numTok, targets: tgt, negatives, norm: spec.norm },
      dz,
      this.touched,
    );
    backward(this.layout, this.theta, this.grad, batch, acts, dz, this.touched);
    return { loss, tokens: batch.numTok };
  }

  /** As in the SASRec code: one negative per position, uniform over items not in the sequence. */
  private bceNegatives(inputs: Int32Array[], targets: Int32Array[], numTok: number, rng: Rng): Int32Array {
    const out = new Int32Array(numTok);
    const n = this.layout.shape.numItems;
    let w = 0;
    for (let s = 0; s < inputs.length; s++) {
      const seen = new Set<number>(inputs[s]);
      for (const x of targets[s]) seen.add(x);
      for (let t = 0; t < targets[s].length; t++) {
        let neg = rng.int(n);
        for (let tries = 0; seen.has(neg) && tries < 100; tries++) neg = rng.int(n);
        out[w++] = neg;
      }
    }
    return out;
  }
}
