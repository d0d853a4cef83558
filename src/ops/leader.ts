import type { LeaseGrant, LeaseStore } from "../ports/lease";
import type { Log } from "../ports/logger";

export interface LeaderLeaseOptions {
  store: LeaseStore;
  name: string;
  /** Unique per process and start (holderId()): a restarted process is a new holder. */
  holder: string;
  /** How long the lease outlives its holder's last renewal: the takeover delay when a holder dies. */
  ttlMs: number;
  /** Renewal period while held (default ttl / 3: two renewals can fail before the lease lapses). */
  renewEveryMs?: number;
  /** This process's monotonic clock (default performance.now): its own deadline, never compared with others. */
  monotonic?: () => number;
  log?: Log;
}

/** What `run` did: ran `fn` as the holder, or skipped it because another holder has the lease. */
export type LeaderRun<T> = { ran: true; value: T; epoch: number } | { ran: false; heldBy: string | null };

/**
 * A holder id: where it runs (host/pod and pid, or the Worker) plus a random part, so a restarted process
 * with the same pid and host (a container) is a new holder and never inherits a lease it did not renew.
 */
export const holderId = (where: string): string => `${where}#${crypto.randomUUID().slice(0, 8)}`;

/**
 * One process's side of a named lease: `run(fn)` runs `fn` only while this process holds the lease, renewing
 * it in the background until `release()` (sticky leadership: the holder keeps it between runs, so the work
 * stays on one process and a contender takes over only when the holder stops renewing, i.e. died, hung, or
 * released it on shutdown).
 *
 * Clock skew: the store decides expiry with its own clock (the database's). Locally the holder counts its
 * lease as valid until `ttl` after the moment it *sent* the request that granted it, on its monotonic clock:
 * the store's expiry can only be later, so the holder stops believing before anyone else can take over,
 * however far its wall clock is off. Only clock *rates* matter, and a 5% margin covers any real drift.
 */
export class LeaderLease {
  private grant: LeaseGrant | null = null;
  private validUntil = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setInterval> | null = null;
  private pending: Promise<boolean> | null = null;
  private stopped = false;
  private readonly monotonic: () => number;

  constructor(private readonly o: LeaderLeaseOptions) {
    this.monotonic = o.monotonic ?? (() => performance.now());
  }

  get name(): string {
    return this.o.name;
  }

  get holder(): string {
    return this.o.holder;
  }

  /** Whether this process may act as the holder now (by its own clock, with the margin above). */
  held(): boolean {
    return this.grant !== null && this.monotonic() < this.validUntil;
  }

  /** The epoch this process holds, while it holds the lease. */
  get epoch(): number | null {
    return this.held() ? (this.grant?.epoch ?? null) : null;
  }

  /**
   * Takes or extends the lease; true when this process holds it afterwards. A store failure counts as not
   * holding (logged): a holder that cannot reach the database must not go on acting as one.
   */
  ensure(): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    this.pending ??= this.refresh().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async refresh(): Promise<boolean> {
    const { store, name, holder, ttlMs } = this.o;
    const sentAt = this.monotonic();
    let next: LeaseGrant | null;
    try {
      next =
        this.grant && this.held()
          ? await store.renew(name, holder, this.grant.epoch, ttlMs)
          : await store.acquire(name, holder, ttlMs);
    } catch (err) {
      this.o.log?.("lease: store unreachable; not acting as holder", {
        level: "warn",
        lease: name,
        error: err instanceof Error ? err.message : String(err),
      });
      this.lose();
      return false;
    }
    if (!next) {
      if (this.grant) this.o.log?.("lease: lost to another holder", { level: "warn", lease: name, holder });
      this.lose();
      return false;
    }
    if (!this.grant) this.o.log?.("lease: acquired", { lease: name, holder, epoch: next.epoch });
    this.grant = next;
    this.validUntil = sentAt + ttlMs * 0.95;
    this.startRenewing();
    return true;
  }

  private lose(): void {
    this.grant = null;
    this.validUntil = Number.NEGATIVE_INFINITY;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private startRenewing(): void {
    if (this.timer) return;
    this.timer = setInterval(
      () => void this.ensure(),
      this.o.renewEveryMs ?? Math.max(1, Math.floor(this.o.ttlMs / 3)),
    );
    // Never keeps a process alive on its own (CLIs exit when their work is done; release() stops it).
    (this.timer as { unref?: () => void }).unref?.();
  }

  /**
   * Runs `fn` if this process holds (or can take) the lease; otherwise skips it and says who holds it.
   * `fn` is not interrupted if the lease is lost while it runs (it is logged): keep each run well under ttl.
   */
  async run<T>(fn: () => Promise<T>): Promise<LeaderRun<T>> {
    if (!(await this.ensure())) {
      const current = await this.o.store.current(this.o.name).catch(() => null);
      return { ran: false, heldBy: current?.live ? current.holder : null };
    }
    const epoch = this.grant?.epoch ?? 0;
    const value = await fn();
    if (this.epoch !== epoch)
      this.o.log?.("lease: expired or taken over while its holder was still running", {
        level: "warn",
        lease: this.o.name,
        holder: this.o.holder,
      });
    return { ran: true, value, epoch };
  }

  /** Stops renewing and gives the lease up at once, so another holder need not wait for it to expire. */
  async release(): Promise<void> {
    this.stopped = true;
    await this.pending?.catch(() => false);
    const grant = this.grant;
    this.lose();
    if (!grant) return;
    try {
      await this.o.store.release(this.o.name, this.o.holder, grant.epoch);
      this.o.log?.("lease: released", { lease: this.o.name, holder: this.o.holder });
    } catch (err) {
      // It expires on its own within ttl.
      this.o.log?.("lease: release failed; it expires on its own", {
        level: "warn",
        lease: this.o.name,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}

/**
 * Keeps a long-running task (the learner thread) on the lease's holder only: checks every `checkEveryMs`,
 * starts the task when this process holds the lease, stops it when the lease is lost. `stop()` stops the
 * task and releases the lease (shutdown).
 */
export function whileLeader(
  lease: LeaderLease,
  task: { start(): void; stop(): Promise<void> },
  { checkEveryMs, log }: { checkEveryMs: number; log?: Log },
): { stop(): Promise<void>; readonly running: boolean } {
  let running = false;
  let stopping = false;
  const check = async (): Promise<void> => {
    const held = await lease.ensure();
    if (stopping) return;
    if (held && !running) {
      running = true;
      log?.("lease: this process holds it; starting its task", { lease: lease.name });
      task.start();
    } else if (!held && running) {
      running = false;
      log?.("lease: not held any more; stopping its task", { level: "warn", lease: lease.name });
      await task.stop();
    }
  };
  void check();
  const timer = setInterval(() => void check(), checkEveryMs);
  (timer as { unref?: () => void }).unref?.();
  return {
    get running() {
      return running;
    },
    async stop() {
      stopping = true;
      clearInterval(timer);
      if (running) await task.stop();
      running = false;
      await lease.release();
    },
  };
}

/**
 * Each lease's time to live: how long work stays unowned after its holder dies. Selection is held by a
 * serving process and renewed in the background every 10 s; the learner thread likewise. `npm run learn`
 * trains on its main thread, whose timers a long synchronous fit can delay: it gets a longer one.
 */
export const LEASE_TTL_MS = {
  selection: 30_000,
  learnerThread: 60_000,
  learnerJob: 600_000,
  reembed: 300_000,
} as const;
