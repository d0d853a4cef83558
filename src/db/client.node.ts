import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createClient, type Client } from "@libsql/client";

/**
 * Node-only libSQL client: supports `file:` (embedded engine) as well as remote URLs. Embedded files
 * get WAL (readers never block the writer) and a busy timeout so concurrent writers queue, not fail.
 */
export async function createNodeLibsqlClient(url: string, authToken?: string): Promise<Client> {
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length).split("?")[0];
    if (path && path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  }
  // `timeout` is the busy timeout of every pooled connection; a PRAGMA would reach only the first one.
  const client = createClient({ url, authToken, timeout: 5000 });
  if (url.startsWith("file:")) {
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA synchronous = NORMAL");
    await client.execute("PRAGMA foreign_keys = ON");
  }
  return client;
}
