import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import type { AppDeps } from "../../src/context";
import { createNodeLibsqlClient } from "../../src/db/client.node.js";
import { createDatabase, type Database } from "../../src/db/database";
import { runMigrations } from "../../src/db/migrate.node.js";
import type { PasswordHasher } from "../../src/auth/auth";
import { buildInProcessDeps } from "../../src/deps/in-process";

export interface TestDb {
  db: Database;
  url: string;
  /** The temp directory holding the database file (removed by cleanup). */
  dir: string;
  cleanup: () => void;
}

/** A fresh, migrated libSQL file (the real embedded engine) in its own temp dir. */
export async function createTestDb(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), "recircuit-test-"));
  const url = `file:${join(dir, "test.db")}`;
  const client = await createNodeLibsqlClient(url);
  const db = createDatabase(client);
  await runMigrations(db);
  return {
    db,
    url,
    dir,
    cleanup: () => {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestApp extends TestDb {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
}

/**
 * Test-only password hashing: salted SHA-256 instead of scrypt (~300 ms a hash in pure JS), so suites can
 * create dozens of users. Pass `realPasswordHashing` to exercise better-auth's own hasher.
 */
export const fastPasswordHasher: PasswordHasher = {
  async hash(password) {
    const salt = crypto.randomUUID();
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${salt}:${password}`));
    return `test$${salt}$${btoa(String.fromCharCode(...new Uint8Array(digest)))}`;
  },
  async verify({ hash, password }) {
    const [, salt, expected] = hash.split("$");
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${salt}:${password}`));
    return btoa(String.fromCharCode(...new Uint8Array(digest))) === expected;
  },
};

/**
 * The real app over a fresh database, with a fixed clock and sequential ids unless overridden. Deps come from
 * the tests' runtime assembly (src/deps/in-process.ts): auth and the event log over this database (real
 * better-auth, real tables), in-process session store and vector index, a Recsys holder tests start themselves.
 */
export async function createTestApp(
  overrides: Partial<AppDeps> = {},
  env: Record<string, string> = {},
  opts: { realPasswordHashing?: boolean } = {},
): Promise<TestApp> {
  const testDb = await createTestDb();
  let n = 0;
  const deps = buildInProcessDeps({
    config: loadConfig({
      NODE_ENV: "test",
      DEMO_DATA: "false",
      DATABASE_URL: testDb.url,
      // In-process requests have no socket: tests name their client address, as an edge header would.
      CLIENT_IP_HEADER: "x-forwarded-for",
      ...env,
    }),
    db: testDb.db,
    clock: () => Date.UTC(2026, 0, 1),
    newId: () => `id-${++n}`,
    overrides,
    passwordHasher: opts.realPasswordHashing ? undefined : fastPasswordHasher,
  });
  return { ...testDb, deps, app: createApp(deps) };
}
