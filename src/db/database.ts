import type { Client } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The database port: drizzle over any libSQL client (embedded file, Turso over HTTP/WebSocket). */
export type Database = LibSQLDatabase<Schema> & { $client: Client };

export function createDatabase(client: Client): Database {
  return drizzle(client, { schema }) as Database;
}
