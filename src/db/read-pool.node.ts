import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { InStatement } from "@libsql/client";
import type { PoolRow, ReadPool } from "./read-pool";

interface Pending {
  resolve: (rows: PoolRow[]) => void;
  reject: (err: Error) => void;
}

/**
 * ReadPool over worker threads, each with its own connection to the same embedded (`file:`) database
 * (WAL lets them read while the main connection writes). Node only. Workers are unref'd: an idle pool never
 * keeps the process alive, but `close()` should still be called on shutdown.
 */
export class WorkerReadPool implements ReadPool {
  readonly size: number;
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private broken: Error | null = null;

  constructor(url: string, size = Math.min(2, availableParallelism())) {
    if (!url.startsWith("file:")) throw new Error("WorkerReadPool is for the embedded file: database only");
    if (!(size >= 1)) throw new Error(`read pool size must be at least 1 (got ${size})`);
    this.size = size;
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL("./read-pool-worker.mjs", import.meta.url), { workerData: { url } });
      w.on("message", (m: { id: number; rows?: PoolRow[]; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.rows ?? []);
      });
      // A dead worker fails what it had in flight; later calls fail fast instead of hanging.
      w.on("error", (err) => this.fail(err));
      w.on("exit", () => this.fail(new Error("read pool worker exited")));
      w.unref();
      this.workers.push(w);
    }
  }

  executeAll(statements: readonly InStatement[]): Promise<PoolRow[][]> {
    if (this.closed) return Promise.reject(new Error("read pool is closed"));
    if (this.broken) return Promise.reject(this.broken);
    return Promise.all(
      statements.map(
        (st, i) =>
          new Promise<PoolRow[]>((resolve, reject) => {
            const id = this.nextId++;
            this.pending.set(id, { resolve, reject });
            const { sql, args } = typeof st === "string" ? { sql: st, args: [] } : st;
            this.workers[i % this.size].postMessage({ id, sql, args: args ?? [] });
          }),
      ),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.failAll(new Error("read pool is closed"));
  }

  private fail(err: Error): void {
    if (!this.closed) this.broken ??= err;
    this.failAll(err);
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
