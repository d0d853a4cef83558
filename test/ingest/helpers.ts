import { resolve } from "node:path";
import type { Database } from "../../src/db/database";
import { createTestDb } from "../helpers/app";

/** The shared real data beside the repository (CI clones it to ../shared; SHARED_DATASETS overrides, e.g. in a worktree). */
export const ALL_BEAUTY = resolve(
  process.env.SHARED_DATASETS ?? resolve(process.cwd(), "../shared/datasets"),
  "amazon-2023/All_Beauty",
);

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

/**
 * Checks the category-term invariant of migration 0006: every product's category_terms holds exactly one
 * `c<id>` per product_categories row (ids from category_terms), and the FTS index agrees with the content
 * table ('integrity-check' with rank 1 compares the index against products). Returns the mismatches.
 */
export async function categoryTermMismatches(db: Database): Promise<string[]> {
  await db.$client.execute("INSERT INTO products_fts(products_fts, rank) VALUES ('integrity-check', 1)");
  const stored = await db.$client.execute("SELECT id, category_terms FROM products ORDER BY id");
  const expected = await db.$client.execute(
    "SELECT pc.product_id AS id, 'c' || t.id AS term FROM product_categories pc JOIN category_terms t ON t.path = pc.path",
  );
  const want = new Map<number, string[]>();
  for (const r of expected.rows) want.set(Number(r.id), [...(want.get(Number(r.id)) ?? []), String(r.term)]);
  const out: string[] = [];
  for (const r of stored.rows) {
    const have = String(r.category_terms).split(" ").filter(Boolean).sort().join(" ");
    const should = (want.get(Number(r.id)) ?? []).sort().join(" ");
    if (have !== should) out.push(`product ${r.id}: '${have}' != '${should}'`);
  }
  const orphans = await db.$client.execute(
    "SELECT count(*) AS n FROM product_categories pc LEFT JOIN category_terms t ON t.path = pc.path WHERE t.id IS NULL",
  );
  if (Number(orphans.rows[0].n) > 0) out.push(`${orphans.rows[0].n} category rows without a term`);
  return out;
}
