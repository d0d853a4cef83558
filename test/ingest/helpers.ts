import { resolve } from "node:path";
import type { Database } from "../../src/db/database";
import { createTestDb } from "../helpers/app";

/** The shared real data beside the repository (CI clones it to ../shared). */
export const ALL_BEAUTY = resolve(process.cwd(), "../shared/datasets/amazon-2023/All_Beauty");

export interface TempDb {
  db: Database;
  dir: string;
  url: string;
  close(): void;
}

/** A fresh libSQL file under /tmp with migrations applied (the shared test helper, named for ingest tests). */
export async function openTempDb(): Promise<TempDb> {
  const t = await createTestDb();
  return { db: t.db, dir: t.dir, url: t.url, close: t.cleanup };
}

export async function count(db: Database, sql: string): Promise<number> {
  const rs = await db.$client.execute(sql);
  return Number(rs.rows[0][0]);
}
