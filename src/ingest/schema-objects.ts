import type { Transaction } from "@libsql/client";

/**
 * Indexes and triggers that bulk loads drop and re-create. Their SQL is taken from the migrations themselves (see
 * schema-objects.node.ts), so there is one definition of each: the migration's.
 */
export interface SchemaObject {
  name: string;
  kind: "index" | "trigger";
  table: string;
  sql: string;
}

export type SchemaObjects = ReadonlyMap<string, SchemaObject>;

const CREATE_INDEX = /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?[`"[]?(\w+)[`"\]]?\s+ON\s+[`"[]?(\w+)/i;
const CREATE_TRIGGER = /^CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?[`"[]?(\w+)[`"\]]?[\s\S]*?\bON\s+[`"[]?(\w+)/i;
const DROP = /^DROP\s+(INDEX|TRIGGER)\s+(?:IF\s+EXISTS\s+)?[`"[]?(\w+)/i;

/** Final definitions of every index and trigger after applying `migrations` (SQL texts, in order). */
export function parseSchemaObjects(migrations: readonly string[]): Map<string, SchemaObject> {
  const out = new Map<string, SchemaObject>();
  for (const text of migrations) {
    for (const raw of text.split("--> statement-breakpoint")) {
      // drop leading comment lines; keep the statement text as written (trigger bodies contain ';')
      const stmt = raw
        .replace(/^(\s*--[^\n]*\n)*/, "")
        .trim()
        .replace(/;\s*$/, "");
      let m = CREATE_INDEX.exec(stmt);
      if (m) {
        out.set(m[1], { name: m[1], kind: "index", table: m[2], sql: stmt });
        continue;
      }
      m = CREATE_TRIGGER.exec(stmt);
      if (m) {
        out.set(m[1], { name: m[1], kind: "trigger", table: m[2], sql: stmt });
        continue;
      }
      m = DROP.exec(stmt);
      if (m) out.delete(m[2]);
    }
  }
  return out;
}

/** The named objects' definitions; throws if a migration no longer defines one (a bulk path must not guess). */
export function pick(defs: SchemaObjects, names: readonly string[]): SchemaObject[] {
  return names.map((n) => {
    const o = defs.get(n);
    if (!o) throw new Error(`schema object ${n} not defined by the migrations`);
    return o;
  });
}

export async function dropObjects(tx: Transaction, objs: readonly SchemaObject[]): Promise<void> {
  // raw SQL: the migrations' own DDL, dropped and re-created around a bulk load, bench:ingest
  for (const o of objs) await tx.execute(`DROP ${o.kind === "index" ? "INDEX" : "TRIGGER"} IF EXISTS ${o.name}`);
}

export async function createObjects(tx: Transaction, objs: readonly SchemaObject[]): Promise<void> {
  for (const o of objs) await tx.execute(o.sql);
}

/** Objects the metadata bulk path drops; each is re-created in the transaction that dropped it. */
export const PRODUCT_INDEXES = [
  "products_parent_asin_unique",
  "products_rating_number_idx",
  "products_average_rating_idx",
  "products_price_idx",
  "products_store_idx",
  "products_updated_at_idx",
  "product_categories_product_idx",
] as const;
/**
 * The FTS triggers, those deriving products.category_terms from product_categories (one products rewrite per row),
 * and the catalog revision's (migration 0007: one counter update per row; the bulk load bumps it once instead).
 */
export const PRODUCT_FTS_TRIGGERS = [
  "products_fts_ai",
  "products_fts_ad",
  "products_fts_au",
  "product_categories_terms_ai",
  "product_categories_terms_ad",
  "product_categories_terms_au",
  "catalog_revision_ai",
  "catalog_revision_ad",
  "catalog_revision_au",
] as const;
