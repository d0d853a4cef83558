import type { Client, Transaction } from "@libsql/client";
import type { RawMeta } from "../data/amazon";
import type { InValue } from "@libsql/client";
import { insertRows, type InsertTemplate } from "./multi-row-insert";
import { cpuSeconds } from "./report";
import { ALL_COLUMNS, productRow, writeProductRows, type ProductCounts, type ProductRow } from "./product-writer";
import {
  createObjects,
  dropObjects,
  pick,
  PRODUCT_FTS_TRIGGERS,
  PRODUCT_INDEXES,
  type SchemaObjects,
} from "./schema-objects";

/**
 * Bulk load of metadata into EMPTY products / product_categories (the first load of a catalogue).
 *
 * Why: the incremental upsert pays, per product, the FTS5 trigger (tokenising title, features and description into
 * the index's pending segment), random inserts into six indexes, and RETURNING rows back to JS for the category rows.
 * Here batches are only appended to an unindexed TEMP table; `load()` then, in ONE write transaction, drops the
 * indexes and FTS triggers, copies the de-duplicated rows, inserts product_categories with a join, rebuilds the FTS
 * index with FTS5's 'rebuild' and re-creates indexes and triggers from the migrations' own SQL. Readers (WAL) never
 * see the tables without their indexes or triggers, and a crash rolls the whole load back.
 */
const STAGE = "temp.ingest_meta_stage";
const STAGE_COLUMNS = [...ALL_COLUMNS, "paths"];
/** The products to load: new id and the stage rowid of the winning record. */
const PICK = "temp.ingest_meta_pick";
/**
 * Bound parameters, not one JSON parameter as for ratings: for ~1 KB meta rows, `value->>i` re-parses the row's
 * JSON array once per column (18x), which cost ~4x more than binding (measured on 50k products).
 */
const STAGE_INSERT: InsertTemplate = {
  head: `INSERT INTO ${STAGE} (${STAGE_COLUMNS.join(", ")}) VALUES`,
  columnCount: STAGE_COLUMNS.length,
  tail: "",
};

export class ProductBulkStage {
  private rows = 0;

  private constructor(private readonly client: Client) {}

  /**
   * Opens a stage when both tables are empty, else returns null (use the incremental path). The stage mirrors the
   * NOT NULL constraints of products, so a row the final copy would refuse fails in its own batch instead, where
   * the batch writer's one-by-one retry reports it with its line number.
   */
  static async openIfEmpty(client: Client): Promise<ProductBulkStage | null> {
    if (!(await tablesEmpty(client))) return null;
    // raw SQL: bulk load (TEMP stage, indexes dropped and re-created, FTS5 'rebuild'), bench:ingest
    await client.execute(`DROP TABLE IF EXISTS ${STAGE}`);
    await client.execute(
      `CREATE TABLE ${STAGE} (parent_asin TEXT NOT NULL, title TEXT NOT NULL, store TEXT, main_category TEXT, category_path TEXT, ` +
        "categories TEXT NOT NULL, features TEXT NOT NULL, description TEXT NOT NULL, price REAL, average_rating REAL, " +
        "rating_number INTEGER NOT NULL, images TEXT NOT NULL, videos TEXT NOT NULL, details TEXT NOT NULL, bought_together TEXT, " +
        "created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, paths TEXT NOT NULL)",
    );
    return new ProductBulkStage(client);
  }

  async add(tx: Transaction, metas: readonly RawMeta[], now: number): Promise<void> {
    const values: InValue[] = [];
    for (const m of metas) {
      const r = productRow(m, now);
      for (const v of r.values) values.push(v as InValue);
      values.push(JSON.stringify(r.paths));
    }
    await insertRows(tx, STAGE_INSERT, values, metas.length);
    this.rows += metas.length;
  }

  /** Moves the stage into products, product_categories and the FTS index (see the class comment). */
  async load(schema: SchemaObjects, log?: (m: string) => void): Promise<ProductCounts> {
    const started = performance.now();
    const cpu0 = cpuSeconds();
    // Foreign-key checks off for this transaction only (the pragma is a no-op inside one): every product_categories
    // row's product_id comes from the PICK row whose product was inserted just before, in the same transaction, so
    // the FK holds by construction. The checks looked each product up in path order, i.e. at random over a table of
    // ~1 KB rows: 4.0 of 6.6 CPU-s of the category insert at 200k products. Restored in `finally`; the client has
    // one connection, which the transaction holds, so nothing else runs on it meanwhile.
    // raw SQL: bulk load (TEMP stage, indexes dropped and re-created, FTS5 'rebuild'), bench:ingest
    const fk = Number((await this.client.execute("PRAGMA foreign_keys")).rows[0][0]);
    if (fk) await this.client.execute("PRAGMA foreign_keys = OFF");
    const tx = await this.client.transaction("write");
    try {
      // Someone else may have written products while we staged: then upsert the staged rows the ordinary way (its
      // category rows also take product ids just returned by the upsert, so they too hold the FK by construction).
      const counts = (await tablesEmpty(tx)) ? await this.bulkCopy(tx, schema) : await this.upsertStaged(tx);
      await tx.commit();
      log?.(
        `[ingest] loaded ${this.rows} staged products in ${((performance.now() - started) / 1000).toFixed(1)} s wall, ${(cpuSeconds() - cpu0).toFixed(1)} s CPU`,
      );
      return counts;
    } finally {
      tx.close();
      if (fk) await this.client.execute("PRAGMA foreign_keys = ON");
    }
  }

  private async bulkCopy(tx: Transaction, schema: SchemaObjects): Promise<ProductCounts> {
    const indexes = pick(schema, PRODUCT_INDEXES);
    const triggers = pick(schema, PRODUCT_FTS_TRIGGERS);
    await dropObjects(tx, [...triggers, ...indexes]);
    // One row per parent_asin: id numbers products in order of first appearance (the ids the incremental path
    // gives), `last` is the staged record that wins. Explicit ids let product_categories skip a lookup by parent_asin.
    // raw SQL: bulk load (TEMP stage, indexes dropped and re-created, FTS5 'rebuild'), bench:ingest
    await tx.execute(`DROP TABLE IF EXISTS ${PICK}`);
    await tx.execute(`CREATE TABLE ${PICK} (id INTEGER PRIMARY KEY, last INTEGER NOT NULL)`);
    await tx.execute(
      `INSERT INTO ${PICK} (last) SELECT max(rowid) FROM ${STAGE} GROUP BY parent_asin ORDER BY min(rowid)`,
    );
    // category_terms is written with the row, as the product_categories triggers (dropped here) would derive it:
    // one term `c<id>` per path (migration 0006). Setting it afterwards would rewrite every product row.
    await tx.execute(
      "INSERT OR IGNORE INTO category_terms (path) SELECT DISTINCT j.value->>0 " +
        `FROM ${PICK} g CROSS JOIN ${STAGE} s ON s.rowid = g.last, json_each(s.paths) j ORDER BY 1`,
    );
    const terms =
      "coalesce((SELECT group_concat('c' || t.id, ' ') FROM json_each(s.paths) j JOIN category_terms t ON t.path = j.value->>0), '')";
    const products = await tx.execute(
      `INSERT INTO products (id, ${ALL_COLUMNS.join(", ")}, category_terms) SELECT g.id, ${ALL_COLUMNS.map((c) => `s.${c}`).join(", ")}, ${terms} ` +
        `FROM ${PICK} g CROSS JOIN ${STAGE} s ON s.rowid = g.last ORDER BY g.id`,
    );
    // Sorted by the primary key (path, product_id): inserted in key order its index is appended to, not updated at
    // random (which, like reviews' indexes, collapses once the index outgrows the page cache).
    const pcs = await tx.execute(
      "INSERT INTO product_categories (path, product_id, depth) SELECT j.value->>0, g.id, j.value->>1 " +
        `FROM ${PICK} g CROSS JOIN ${STAGE} s ON s.rowid = g.last, json_each(s.paths) j ORDER BY 1, 2`,
    );
    await tx.execute("INSERT INTO products_fts(products_fts) VALUES('rebuild')");
    await createObjects(tx, [...indexes, ...triggers]);
    // The revision triggers were dropped with the others: one bump for the whole load (search head lists go stale).
    await tx.execute("UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1");
    await tx.execute(`DELETE FROM ${STAGE}`);
    await tx.execute(`DROP TABLE ${PICK}`);
    return {
      products: { inserted: products.rowsAffected, updated: 0 },
      productCategories: { inserted: pcs.rowsAffected, updated: 0 },
      unchanged: this.rows - products.rowsAffected,
    };
  }

  /** Fallback when the tables stopped being empty: staged rows through the incremental upsert, in file order. */
  private async upsertStaged(tx: Transaction): Promise<ProductCounts> {
    const total: ProductCounts = {
      products: { inserted: 0, updated: 0 },
      productCategories: { inserted: 0, updated: 0 },
      unchanged: 0,
    };
    let after = 0;
    for (;;) {
      // raw SQL: bulk load (TEMP stage, indexes dropped and re-created, FTS5 'rebuild'), bench:ingest
      const rs = await tx.execute({
        sql: `SELECT rowid AS r, ${STAGE_COLUMNS.join(", ")} FROM ${STAGE} WHERE rowid > ? ORDER BY rowid LIMIT 5000`,
        args: [after],
      });
      if (rs.rows.length === 0) break;
      const rows: ProductRow[] = rs.rows.map((row) => ({
        values: ALL_COLUMNS.map((c) => row[c]),
        paths: JSON.parse(String(row.paths)) as [string, number][],
      }));
      after = Number(rs.rows[rs.rows.length - 1].r);
      const c = await writeProductRows(tx, rows);
      total.products.inserted += c.products.inserted;
      total.products.updated += c.products.updated;
      total.productCategories.inserted += c.productCategories.inserted;
      total.productCategories.updated += c.productCategories.updated;
      total.unchanged += c.unchanged;
    }
    // raw SQL: bulk load (TEMP stage, indexes dropped and re-created, FTS5 'rebuild'), bench:ingest
    await tx.execute(`DELETE FROM ${STAGE}`);
    return total;
  }

  async close(): Promise<void> {
    await this.client.execute(`DROP TABLE IF EXISTS ${STAGE}`);
  }
}

async function tablesEmpty(c: Client | Transaction): Promise<boolean> {
  const rs = await c.execute(
    "SELECT NOT EXISTS (SELECT 1 FROM products) AND NOT EXISTS (SELECT 1 FROM product_categories) AS e",
  );
  return Number(rs.rows[0].e) === 1;
}
