import type { InStatement } from "@libsql/client";

export type PoolRow = Record<string, unknown>;

/**
 * Extra read-only connections that run statements at the same time as each other (and as the main
 * connection). The embedded libSQL engine executes synchronously on the calling thread, so one query can
 * only use more than one core if its parts run on other threads: the catalog splits an expensive full-text
 * ranking into rowid shards and runs them here (src/services/catalog/products.ts). Optional: without a
 * pool (Workers, remote Turso, tests) the same query runs whole on the main connection.
 */
export interface ReadPool {
  /** How many statements can run at once. */
  readonly size: number;
  /** Runs the statements concurrently, one per connection; rows come back as plain objects, in order. */
  executeAll(statements: readonly InStatement[]): Promise<PoolRow[][]>;
  close(): Promise<void>;
}
