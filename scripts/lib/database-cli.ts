/**
 * Plumbing shared by the maintenance CLIs (migrate, create-admin, publish-models): validated config, a
 * client on DATABASE_URL (embedded file or Turso) with pending migrations applied, closed afterwards, and
 * one exit-code convention: the command's own code, 78 (EX_CONFIG) for bad configuration, 1 otherwise.
 */
import type { Client } from "@libsql/client";
import { ConfigError, loadConfig, type Config } from "../../src/config";
import { createNodeLibsqlClient } from "../../src/db/client.node.js";
import { createDatabase, type Database } from "../../src/db/database";
import { runMigrations } from "../../src/db/migrate.node.js";
import { describeCause, SettingError } from "../../src/lib/describe-failure";

export interface CliDatabase {
  config: Config;
  client: Client;
  db: Database;
}

/** Runs `fn` on the migrated database at DATABASE_URL; the client is closed whatever happens. */
export async function withMigratedDatabase<T>(fn: (ctx: CliDatabase) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  let client: Client;
  let db: Database;
  try {
    client = await createNodeLibsqlClient(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
    db = createDatabase(client);
  } catch (err) {
    throw new SettingError("DATABASE_URL", config.DATABASE_URL, err);
  }
  try {
    try {
      await runMigrations(db);
    } catch (err) {
      throw new SettingError("DATABASE_URL", config.DATABASE_URL, err);
    }
    return await fn({ config, client, db });
  } finally {
    client.close();
  }
}

/**
 * Exits with `main`'s code; a ConfigError exits 78 with its message, a SettingError (the database could not
 * be opened) 1 with its one line, anything else 1 with its stack.
 */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof ConfigError) {
        console.error(err.message);
        process.exit(78);
      }
      if (err instanceof SettingError) console.error(`cannot start: ${err.message}`);
      else console.error(err instanceof Error ? (err.stack ?? describeCause(err)) : err);
      process.exit(1);
    },
  );
}
