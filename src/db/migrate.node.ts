import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/libsql/migrator";
import type { Database } from "./database";

export const migrationsFolder = fileURLToPath(new URL("../../migrations", import.meta.url));

/** Apply pending SQL migrations from `migrations/` (Node only: reads the folder from disk). */
export async function runMigrations(db: Database): Promise<void> {
  await migrate(db, { migrationsFolder });
}
