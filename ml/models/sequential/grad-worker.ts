/** Worker thread body for worker-backend.ts (Node only). */
import { parentPort, workerData } from "node:worker_threads";
import { GradEngine, type StepSpec } from "./engine.js";
import { makeLayout } from "./params.js";
import type { WorkerInit, WorkerReply } from "./worker-backend.js";

const init = workerData as WorkerInit;
const layout = makeLayout(init.shape);
const engine = new GradEngine(layout, init.theta, init.grad, { data: init.data, offsets: init.offsets }, init.hyper);
const port = parentPort;
if (port === null) throw new Error("grad-worker must run in a worker thread");
port.on("message", (spec: StepSpec) => {
  const r = engine.run(spec);
  // the main thread zeroes the rows it reads; only the flags are ours to reset
  const rows = engine.touched.list.slice(0, engine.touched.count);
  engine.touched.clear();
  const reply: WorkerReply = { loss: r.loss, tokens: r.tokens, rows };
  port.postMessage(reply);
});
