import { createClient, type Client } from "@libsql/client/web";

/** Web-API libSQL client for workerd: remote URLs only (Turso or a local libSQL HTTP server). */
export function createWebLibsqlClient(url: string, authToken?: string): Client {
  if (url.startsWith("file:")) {
    throw new Error("DATABASE_URL: file: URLs cannot be used in a Worker; point it at Turso (libsql:// or https://)");
  }
  return createClient({ url, authToken });
}
