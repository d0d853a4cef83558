import { Worker } from "node:worker_threads";
import type { ReembedReport } from "./reembed";

export interface ReembedThreadInit {
  databaseUrl: string;
  databaseAuthToken?: string;
  /** HF_TOKEN, HF_EMBED_MODEL/DIM/URL, QDRANT_URL/API_KEY: the same embedder and index choice as the caller's. */
  env: Record<string, string | undefined>;
  maxItems: number;
  batchSize: number;
}

export type ReembedThreadReply =
  | { ok: true; report: ReembedReport }
  | { ok: false; error: string; code: string | null };

/**
 * `reembedNewItems` in a worker thread: Node's default, so the offline encoder (synchronous tfjs, about
 * 30 ms of CPU per item) never stalls requests. One run at a time; a thread that dies is replaced on the
 * next run, and the run it was doing fails with its error.
 */
export class ReembedThread {
  private worker: Worker | null = null;
  private running: Promise<ReembedReport> | null = null;

  constructor(private readonly init: ReembedThreadInit) {}

  run(): Promise<ReembedReport> {
    this.running ??= this.call().finally(() => (this.running = null));
    return this.running;
  }

  private call(): Promise<ReembedReport> {
    const worker = this.ensure();
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      const onMessage = (reply: ReembedThreadReply): void => {
        cleanup();
        if (reply.ok) resolve(reply.report);
        else reject(new Error(`re-embedding failed${reply.code ? ` (${reply.code})` : ""}: ${reply.error}`));
      };
      const onError = (err: Error): void => {
        cleanup();
        this.worker = null;
        reject(new Error(`re-embedding thread failed: ${err.message}`, { cause: err }));
      };
      const onExit = (code: number): void => {
        cleanup();
        this.worker = null;
        reject(new Error(`re-embedding thread exited (code ${code})`));
      };
      worker.on("message", onMessage);
      worker.once("error", onError);
      worker.once("exit", onExit);
      worker.postMessage({ type: "run" });
    });
  }

  private ensure(): Worker {
    if (!this.worker) {
      this.worker = new Worker(new URL("./reembed-worker-boot.mjs", import.meta.url), { workerData: this.init });
      this.worker.unref(); // never keeps the process alive on its own
    }
    return this.worker;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
