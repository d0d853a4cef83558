import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { migrateFile, startLibsqlServer } from "../../scripts/dev/libsql-server";
import { createNodeLibsqlClient } from "../../src/db/client.node.js";
import { createDatabase } from "../../src/db/database";
import { insertProducts } from "../helpers/catalog-fixtures";
import { workerdProducts } from "./fixtures";

/**
 * Runs in Node before the workerd pool starts: a fresh database file, migrated and seeded from Node,
 * served over Hrana/HTTP by the local libSQL server; its URL and token become the Worker's bindings.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), "recircuit-workerd-"));
  const dbPath = join(dir, "workerd.db");
  await migrateFile(dbPath);

  const client = await createNodeLibsqlClient(`file:${dbPath}`);
  try {
    await insertProducts(createDatabase(client), workerdProducts);
  } finally {
    client.close();
  }

  // A token the server enforces, so the tests prove the Worker forwards DATABASE_AUTH_TOKEN.
  const token = `workerd-${crypto.randomUUID()}`;
  const server = await startLibsqlServer({ dbPath, authToken: token });
  project.provide("libsqlUrl", server.url);
  project.provide("libsqlToken", token);
  project.provide("fixtureCount", workerdProducts.length);

  return async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
