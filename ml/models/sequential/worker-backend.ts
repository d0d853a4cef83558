/**
 * Node-only: computes each batch slice's gradient on its own worker thread (one per core). Params and
 * the sequence store live in SharedArrayBuffers; each worker owns a shared gradient buffer that the
 * main thread sums, in fixed order (deterministic for a given thread count), into the step gradient.
 */
import { Worker } from "node:worker_threads";
import type { GradBackend } from "./backend.js";
import { TouchedRows } from "./backward.js";
import type { SeqStore, StepSpec, TrainHyper } from "./engine.js";
import type { Layout, SasrecShape } from "./params.js";

export interface WorkerInit {
  shape: SasrecShape;
  theta: Float32Array;
  grad: Float32Array;
  data: Int32Array;
  offsets: Int32Array;
  hyper: TrainHyper;
}

export interface WorkerReply {
  loss: number;
  tokens: number;
  rows: Int32Array;
}

/** Copies a typed array into shared memory. */
export function shared<T extends Float32Array | Int32Array>(a: T): T {
  const ctor = a.constructor as { new (b: SharedArrayBuffer): T };
  const out = new ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

export function workerBackend(
  layout: Layout,
  theta: Float32Array,
  store: SeqStore,
  hyper: TrainHyper,
  threads: number,
): GradBackend {
  if (!(theta.buffer instanceof SharedArrayBuffer)) throw new Error("theta must be in a SharedArrayBuffer");
  const data = shared(store.data);
  const offsets = shared(store.offsets);
  const grad = new Float32Array(layout.total);
  const touched = new TouchedRows(layout.shape.numItems);
  const d = layout.shape.dim;
  const workers: Worker[] = [];
  const grads: Float32Array[] = [];
  for (let w = 0; w < threads; w++) {
    const g = new Float32Array(new SharedArrayBuffer(layout.total * 4));
    grads.push(g);
    const init: WorkerInit = { shape: layout.shape, theta, grad: g, data, offsets, hyper };
    workers.push(new Worker(new URL("./grad-worker-boot.mjs", import.meta.url), { workerData: init }));
  }
  const call = (w: number, spec: StepSpec): Promise<WorkerReply> =>
    new Promise((resolve, reject) => {
      const worker = workers[w];
      const onMsg = (r: WorkerReply): void => {
        worker.off("error", onErr);
        resolve(r);
      };
      const onErr = (e: Error): void => {
        worker.off("message", onMsg);
        reject(e);
      };
      worker.once("message", onMsg);
      worker.once("error", onErr);
      worker.postMessage(spec);
    });
  return {
    slices: threads,
    grad,
    touched,
    async run(specs) {
      const replies = await Promise.all(specs.map((s, w) => call(w, s)));
      let loss = 0;
      let tokens = 0;
      replies.forEach((r, w) => {
        loss += r.loss;
        tokens += r.tokens;
        const g = grads[w];
        for (const row of r.rows) {
          touched.add(row);
          const off = layout.itemEmb + row * d;
          for (let i = off; i < off + d; i++) {
            grad[i] += g[i];
            g[i] = 0;
          }
        }
        for (let i = layout.denseStart; i < layout.total; i++) {
          grad[i] += g[i];
          g[i] = 0;
        }
      });
      return { loss, tokens };
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
