import type { InArgs, InValue, Transaction } from "@libsql/client";

/**
 * Multi-row parameterised INSERTs over the raw libSQL client.
 *
 * Why not drizzle's `insert().values([...])` here: on millions of rows drizzle's per-row object mapping and SQL
 * building cost more than SQLite's own insert work. One prepared `INSERT ... VALUES (?,?),(?,?),...` per chunk
 * of rows, inside one transaction per batch, keeps the per-row cost to binding parameters, which is what lets the
 * ingest reach >100k rows/s on the embedded engine (and, over HTTP to Turso, cuts round-trips by the chunk size).
 */

/** SQLite's default limit on bound parameters per statement is 32766; stay well below it. */
const MAX_PARAMS_PER_STATEMENT = 16_000;
const MAX_ROWS_PER_STATEMENT = 1_000;

export interface InsertTemplate {
  /** `INSERT INTO t(a,b) VALUES` */
  head: string;
  columnCount: number;
  /** `ON CONFLICT ...` and optionally `RETURNING ...`, appended after the VALUES list. */
  tail: string;
}

const sqlCache = new Map<string, string>();

function sqlFor(t: InsertTemplate, rows: number): string {
  const key = `${t.head}|${t.tail}|${rows}`;
  let sql = sqlCache.get(key);
  if (sql === undefined) {
    const tuple = `(${new Array<string>(t.columnCount).fill("?").join(",")})`;
    sql = `${t.head} ${new Array<string>(rows).fill(tuple).join(",")} ${t.tail}`;
    if (sqlCache.size > 256) sqlCache.clear();
    sqlCache.set(key, sql);
  }
  return sql;
}

/** Rows per statement for a template: as many as fit the parameter budget. */
export function rowsPerStatement(t: InsertTemplate): number {
  return Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS_PER_STATEMENT / t.columnCount)));
}

/**
 * Inserts `rowCount` rows whose values lie flat in `values` (row-major, `columnCount` per row), chunked into
 * statements. Returns total rows affected (for statements without RETURNING) and any returned rows.
 */
export async function insertRows(
  tx: Transaction,
  t: InsertTemplate,
  values: InValue[],
  rowCount: number,
): Promise<{ rowsAffected: number; returned: Record<string, unknown>[] }> {
  const per = rowsPerStatement(t);
  let rowsAffected = 0;
  const returned: Record<string, unknown>[] = [];
  for (let start = 0; start < rowCount; start += per) {
    const n = Math.min(per, rowCount - start);
    const args: InArgs = values.slice(start * t.columnCount, (start + n) * t.columnCount);
    // raw SQL: multi-row INSERT sized to SQLite's variable limit, bench:ingest
    const rs = await tx.execute({ sql: sqlFor(t, n), args });
    rowsAffected += rs.rowsAffected;
    for (const row of rs.rows) returned.push(row as unknown as Record<string, unknown>);
  }
  return { rowsAffected, returned };
}

/**
 * Inserts rows passed as ONE JSON parameter: `INSERT INTO t (a, b) SELECT value->>0, value->>1 FROM json_each(?)`.
 * The statement text is tiny and constant, so SQLite's prepare (which the libSQL client repeats on every execute,
 * ~4.5 µs per row for multi-row VALUES statements in a profile) and per-parameter binding disappear; SQLite's C JSON
 * parser unpacks the rows. Used for the append-only interaction stage, the hottest write path.
 */
export async function insertJsonRows(
  tx: Transaction,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
): Promise<number> {
  if (rows.length === 0) return 0;
  const select = columns.map((_, i) => `value->>${i}`).join(", ");
  // raw SQL: multi-row INSERT sized to SQLite's variable limit, bench:ingest
  const rs = await tx.execute({
    sql: `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${select} FROM json_each(?)`,
    args: [JSON.stringify(rows)],
  });
  return rs.rowsAffected;
}
