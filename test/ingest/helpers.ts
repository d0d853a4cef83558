import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createNodeLibsqlClient } from "../../src/db/client.node.js";
import { createDatabase, type Database } from "../../src/db/database";
import { runMigrations } from "../../src/db/migrate.node.js";

/** The shared real data beside the repository (CI clones it to ../shared). */
export const ALL_BEAUTY = resolve(process.cwd(), "../shared/datasets/amazon-2023/All_Beauty");

export interface TempDb {
  db: Database;
  dir: string;
  url: string;
  close(): void;
}

/** A fresh libSQL file under /tmp with migrations applied. */
export async function openTempDb(): Promise<TempDb> {
  const dir = mkdtempSync(join(tmpdir(), "recircuit-ingest-"));
  const url = `file:${join(dir, "test.db")}`;
  const client = await createNodeLibsqlClient(url);
  const db = createDatabase(client);
  await runMigrations(db);
  return {
    db,
    dir,
    url,
    close() {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function count(db: Database, sql: string): Promise<number> {
  const rs = await db.$client.execute(sql);
  return Number(rs.rows[0][0]);
}
