import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type { Schema } from "../db/database";

/**
 * What a service queries through drizzle: the database itself, or the drizzle view of a write transaction
 * (src/services/orders/write-tx.ts), so one query function serves both.
 */
export type Queryable = LibSQLDatabase<Schema>;
