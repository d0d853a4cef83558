import type { LeaseGrant, LeaseState, LeaseStore } from "../../ports/lease";

/**
 * Leases in this process's memory, with the same rules as the libSQL adapter: for one process (tests, the
 * in-memory database, which no other process can open). `now` is the one clock every holder here shares.
 */
export class MemoryLeaseStore implements LeaseStore {
  private readonly rows = new Map<string, Omit<LeaseState, "live">>();

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<LeaseGrant | null> {
    if (!Number.isInteger(ttlMs) || ttlMs <= 0)
      throw new RangeError(`lease ttl must be a positive integer, got ${ttlMs}`);
    const now = this.now();
    const row = this.rows.get(name);
    if (row && row.expiresAt > now && row.holder !== holder) return null;
    const continues = row !== undefined && row.holder === holder && row.expiresAt > now;
    const next = {
      name,
      holder,
      epoch: row ? (continues ? row.epoch : row.epoch + 1) : 1,
      acquiredAt: continues ? row.acquiredAt : now,
      renewedAt: now,
      expiresAt: now + ttlMs,
    };
    this.rows.set(name, next);
    return { name, holder, epoch: next.epoch, expiresAt: next.expiresAt };
  }

  async renew(name: string, holder: string, epoch: number, ttlMs: number): Promise<LeaseGrant | null> {
    const row = this.rows.get(name);
    if (!row || row.holder !== holder || row.epoch !== epoch) return null;
    const now = this.now();
    row.renewedAt = now;
    row.expiresAt = now + ttlMs;
    return { name, holder, epoch, expiresAt: row.expiresAt };
  }

  async release(name: string, holder: string, epoch: number): Promise<boolean> {
    const row = this.rows.get(name);
    const now = this.now();
    if (!row || row.holder !== holder || row.epoch !== epoch || row.expiresAt <= now) return false;
    row.expiresAt = now;
    return true;
  }

  async current(name: string): Promise<LeaseState | null> {
    const row = this.rows.get(name);
    return row ? { ...row, live: row.expiresAt > this.now() } : null;
  }

  async list(): Promise<LeaseState[]> {
    const now = this.now();
    return [...this.rows.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((row) => ({ ...row, live: row.expiresAt > now }));
  }
}
