/**
 * Entry of the learner's worker thread (started by `Learner`, learner.node.ts): opens its own connection
 * to the app database and runs learner cycles every `intervalMs` until the parent posts "stop". Reports
 * and errors go to the parent as messages; nothing here may end the server's process.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { LearnerOptions } from "./cycle";
import { lowerThreadPriority } from "./thread-priority.node.js";
import { learnerLoop, openLearnerDeps, type LearnerConnection } from "./worker-loop.node.js";

export interface LearnerWorkerData extends LearnerConnection {
  intervalMs: number;
  options: LearnerOptions;
}

export type LearnerMessage =
  | { type: "report"; report: import("./cycle").LearnerReport }
  | { type: "error"; error: string; stack?: string; ms?: number }
  | { type: "log"; msg: string; fields?: Record<string, unknown> }
  | { type: "stopped" };

const port = parentPort;
if (!port) throw new Error("learner-worker.node.ts runs as a worker thread");
const data = workerData as LearnerWorkerData;
const post = (m: LearnerMessage): void => port.postMessage(m);

let stopped = false;
let wake: (() => void) | null = null;
port.on("message", (m: unknown) => {
  if (m === "stop") {
    stopped = true;
    wake?.();
  }
});

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      wake = null;
      resolve();
    }
    wake = done;
  });

// Training yields the cores to request threads (nice 19 for this thread only; see thread-priority.node.ts).
const niced = lowerThreadPriority();
post({
  type: "log",
  msg: niced.applied ? "learner: thread at low CPU priority" : "learner: priority unchanged",
  fields: niced,
});

const { deps, close, prune } = await openLearnerDeps(data, (msg, fields) => post({ type: "log", msg, fields }));
try {
  await learnerLoop(deps, {
    intervalMs: data.intervalMs,
    options: data.options,
    stopped: () => stopped,
    sleep,
    prune,
    onReport: (report) => post({ type: "report", report }),
    onError: (err, ms) =>
      post({
        type: "error",
        error: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
        ms,
      }),
  });
} finally {
  close();
  post({ type: "stopped" });
  port.unref(); // the message listener would keep the thread alive
}
