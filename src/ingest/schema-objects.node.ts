import { readFileSync } from "node:fs";
import { join } from "node:path";
import { migrationsFolder } from "../db/migrate.node.js";
import { parseSchemaObjects, type SchemaObjects } from "./schema-objects";

let cached: SchemaObjects | null = null;

/** Index and trigger definitions read from the migrations folder, in journal order (read once per process). */
export function loadSchemaObjects(): SchemaObjects {
  if (cached) return cached;
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta/_journal.json"), "utf8")) as {
    entries: { tag: string }[];
  };
  cached = parseSchemaObjects(journal.entries.map((e) => readFileSync(join(migrationsFolder, `${e.tag}.sql`), "utf8")));
  return cached;
}
