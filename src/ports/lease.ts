/**
 * Lease port: at most one holder of a named lease at a time, for work that must run once per deployment
 * however many processes could run it (serving pods under an HPA, node:cluster workers, the scheduler Worker,
 * a CronJob). A lease is taken for a time to live and extended by its holder while it works; a holder that
 * dies stops extending it and another takes over once it expires.
 *
 * Adapters: libSQL (src/adapters/lease/libsql.ts: the shared database every runtime reaches, the one used in
 * deployments) and memory (one process: tests and the in-memory database). src/ops/leader.ts drives it.
 */
export interface LeaseGrant {
  name: string;
  holder: string;
  /** Grows at every change of holder: a holder whose epoch did not change held the lease throughout. */
  epoch: number;
  /** The store's clock (ms since the epoch): meaningful to compare with other times of the same store only. */
  expiresAt: number;
}

export interface LeaseState extends LeaseGrant {
  acquiredAt: number;
  renewedAt: number;
  /** Whether `expiresAt` is still ahead of the store's clock. */
  live: boolean;
}

export interface LeaseStore {
  /**
   * Takes the lease for `ttlMs` when nobody holds it, its holder let it expire or released it, or `holder`
   * already holds it (then it is extended, same epoch). Null while another holder's lease is live. Atomic:
   * of concurrent callers at most one gets it.
   */
  acquire(name: string, holder: string, ttlMs: number): Promise<LeaseGrant | null>;
  /** Extends the lease if `holder` still holds it at `epoch` (nobody took it over since); else null. */
  renew(name: string, holder: string, epoch: number, ttlMs: number): Promise<LeaseGrant | null>;
  /** Gives it up at once (it expires now) if `holder` holds it at `epoch`; false when it did not. */
  release(name: string, holder: string, epoch: number): Promise<boolean>;
  /** Who holds it (expired or not), or null when it was never taken. */
  current(name: string): Promise<LeaseState | null>;
  /** Every lease ever taken, expired ones included (for /metrics and operators). */
  list(): Promise<LeaseState[]>;
}

/** The leases this codebase takes: one name per kind of single-writer work, shared by every runtime. */
export const LEASES = {
  /** Online model selection's cycle (src/recsys/selection/cycle.ts): pods' ticks and the scheduler Worker. */
  selection: "model-selection",
  /** A learner run: the in-process learner thread (LEARNER_THREAD=on) or `npm run learn` (the CronJob). */
  learner: "learner",
  /** New items' content embeddings: a pod's re-embedding thread and the scheduler Worker's re-embed job. */
  reembed: "reembed",
} as const;
export type LeaseName = (typeof LEASES)[keyof typeof LEASES];
