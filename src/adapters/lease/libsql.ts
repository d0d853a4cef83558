import type { Client, Row } from "@libsql/client";
import type { LeaseGrant, LeaseState, LeaseStore } from "../../ports/lease";

/**
 * The database's clock in ms. Every expiry is written and compared with it, inside the statement that
 * decides: holders on different machines (pods, the scheduler Worker, a CronJob) never compare their own
 * clocks, so a skewed one can neither steal a live lease nor keep an expired one. SQLite evaluates 'now'
 * once per statement. julianday rather than unixepoch('subsec'): every libSQL/SQLite version has it.
 */
const DB_NOW = "CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)";

const MAX_TTL_MS = 86_400_000;

function checkTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > MAX_TTL_MS)
    throw new RangeError(`lease ttl must be a whole number of ms in 1..${MAX_TTL_MS}, got ${ttlMs}`);
}

const grantOf = (row: Row | undefined): LeaseGrant | null =>
  row
    ? {
        name: String(row.name),
        holder: String(row.holder),
        epoch: Number(row.epoch),
        expiresAt: Number(row.expires_at),
      }
    : null;

/**
 * Leases in the shared libSQL database (table `leases`, migration 0016): the same statements on an embedded
 * file, Turso over HTTP from Node and from workerd. Each operation is one conditional statement, so it is
 * atomic without a transaction (Turso's HTTP client has none across requests).
 */
export class LibsqlLeaseStore implements LeaseStore {
  constructor(private readonly client: Client) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<LeaseGrant | null> {
    checkTtl(ttlMs);
    // Insert, or take over an expired (or released) lease, or extend our own live one (same epoch). The
    // conflict branch's WHERE refuses a live lease of another holder: no row comes back then.
    // `excluded.renewed_at` is this statement's "now".
    const res = await this.client.execute({
      sql: `INSERT INTO leases (name, holder, epoch, acquired_at, renewed_at, expires_at)
            SELECT ?, ?, 1, n, n, n + ? FROM (SELECT ${DB_NOW} AS n) WHERE true
            ON CONFLICT(name) DO UPDATE SET
              epoch = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > excluded.renewed_at
                           THEN leases.epoch ELSE leases.epoch + 1 END,
              acquired_at = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > excluded.renewed_at
                                 THEN leases.acquired_at ELSE excluded.acquired_at END,
              holder = excluded.holder,
              renewed_at = excluded.renewed_at,
              expires_at = excluded.expires_at
            WHERE leases.expires_at <= excluded.renewed_at OR leases.holder = excluded.holder
            RETURNING name, holder, epoch, expires_at`,
      args: [name, holder, ttlMs],
    });
    return grantOf(res.rows[0]);
  }

  async renew(name: string, holder: string, epoch: number, ttlMs: number): Promise<LeaseGrant | null> {
    checkTtl(ttlMs);
    // Same epoch: nobody took it over in between (an expired lease nobody took is still ours to extend).
    const res = await this.client.execute({
      sql: `UPDATE leases SET renewed_at = ${DB_NOW}, expires_at = ${DB_NOW} + ?
            WHERE name = ? AND holder = ? AND epoch = ?
            RETURNING name, holder, epoch, expires_at`,
      args: [ttlMs, name, holder, epoch],
    });
    return grantOf(res.rows[0]);
  }

  async release(name: string, holder: string, epoch: number): Promise<boolean> {
    const res = await this.client.execute({
      sql: `UPDATE leases SET expires_at = ${DB_NOW}
            WHERE name = ? AND holder = ? AND epoch = ? AND expires_at > ${DB_NOW}`,
      args: [name, holder, epoch],
    });
    return res.rowsAffected > 0;
  }

  async current(name: string): Promise<LeaseState | null> {
    return (await this.states(name))[0] ?? null;
  }

  list(): Promise<LeaseState[]> {
    return this.states(null);
  }

  private async states(name: string | null): Promise<LeaseState[]> {
    const res = await this.client.execute({
      sql: `SELECT name, holder, epoch, acquired_at, renewed_at, expires_at, expires_at > ${DB_NOW} AS live
            FROM leases ${name === null ? "ORDER BY name" : "WHERE name = ?"}`,
      args: name === null ? [] : [name],
    });
    return res.rows.map((row) => ({
      ...(grantOf(row) as LeaseGrant),
      acquiredAt: Number(row.acquired_at),
      renewedAt: Number(row.renewed_at),
      live: !!row.live,
    }));
  }
}
