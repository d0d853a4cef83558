import { Worker } from "node:worker_threads";
import type { Log } from "../models/bootstrap";
import type { LearnerOptions, LearnerReport } from "./cycle";
import type { LearnerMessage, LearnerWorkerData } from "./learner-worker.node.js";
import type { LearnerConnection } from "./worker-loop.node.js";

export interface LearnerStartOptions extends LearnerConnection {
  /** Pause between cycles (LEARNER_INTERVAL_SECONDS). */
  intervalMs: number;
  options?: LearnerOptions;
  log: Log;
  /** After every cycle (the server reloads models when versions were registered). */
  onReport?: (report: LearnerReport) => void;
  /** After a cycle that threw (`ms`: how long it ran, when the thread said). */
  onCycleError?: (failure: { error: string; ms?: number }) => void;
  /** The thread died (an uncaught error, out of memory); it is restarted after the back-off. */
  onCrash?: () => void;
  /** Delay before a crashed worker is started again (default 5 s, doubling up to 5 min). */
  restartDelayMs?: number;
}

/**
 * Continuous training off the request thread: a `node:worker_threads` worker (learner-worker.node.ts) with
 * its own libSQL connection runs learner cycles every `intervalMs`. A cycle that throws is logged by the
 * worker's loop and retried at the next interval; a worker that dies (an uncaught error, out of memory) is
 * logged and started again after a back-off. Nothing the learner does can throw into the server.
 */
export class Learner {
  private worker: Worker | null = null;
  private stopping = false;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private exited: Promise<void> = Promise.resolve();
  readonly reports: LearnerReport[] = [];
  errors = 0;
  restarts = 0;

  constructor(private readonly o: LearnerStartOptions) {}

  start(): this {
    this.stopping = false;
    this.spawn();
    return this;
  }

  private spawn(): void {
    const data: LearnerWorkerData = {
      databaseUrl: this.o.databaseUrl,
      authToken: this.o.authToken,
      intervalMs: this.o.intervalMs,
      options: this.o.options ?? {},
    };
    const url = new URL(`./learner-worker.node${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
    // Run from TypeScript sources (tsx, vitest): the thread loads the entry through tsx's API (a loader
    // registered on the main thread does not reach worker threads, and `--import` is not honoured there).
    const worker = url.pathname.endsWith(".ts")
      ? new Worker(
          `import("tsx/esm/api").then((tsx) => tsx.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(import.meta.url)}))`,
          {
            eval: true,
            workerData: data,
          },
        )
      : new Worker(url, { workerData: data });
    this.worker = worker;
    worker.unref();
    worker.on("message", (m: LearnerMessage) => this.onMessage(m));
    worker.on("error", (err) => {
      this.errors++;
      this.o.log("learner: worker crashed", { error: err.message, stack: err.stack });
      this.notify(() => this.o.onCrash?.());
    });
    this.exited = new Promise((resolve) =>
      worker.once("exit", (code) => {
        if (this.worker === worker) this.worker = null;
        resolve();
        if (this.stopping) return;
        this.failures++;
        const delay = Math.min(300_000, (this.o.restartDelayMs ?? 5000) * 2 ** (this.failures - 1));
        this.o.log("learner: worker exited; restarting", { code, inMs: delay });
        this.restartTimer = setTimeout(() => {
          this.restartTimer = null;
          if (this.stopping) return;
          this.restarts++;
          this.spawn();
        }, delay);
        this.restartTimer.unref?.();
      }),
    );
  }

  private onMessage(m: LearnerMessage): void {
    if (m.type === "log") this.o.log(m.msg, m.fields);
    else if (m.type === "error") {
      this.errors++;
      this.o.log("learner: cycle failed; retrying at the next interval", { error: m.error, stack: m.stack });
      this.notify(() => this.o.onCycleError?.({ error: m.error, ms: m.ms }));
    } else if (m.type === "report") {
      this.failures = 0;
      this.reports.push(m.report);
      if (this.reports.length > 20) this.reports.shift();
      this.notify(() => this.o.onReport?.(m.report));
    }
  }

  /** Runs a caller's handler; its failure is logged, never thrown into the message loop. */
  private notify(handler: () => void): void {
    try {
      handler();
    } catch (err) {
      this.o.log("learner: report handler failed", { error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Asks the worker to stop after its current cycle; terminates it after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const worker = this.worker;
    if (!worker) return;
    worker.postMessage("stop");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), graceMs);
    });
    const outcome = await Promise.race([this.exited.then(() => "exited" as const), timeout]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      this.o.log("learner: worker did not stop in time; terminating", { graceMs });
      await worker.terminate();
    }
  }

  get running(): boolean {
    return this.worker !== null;
  }
}
