import { serve } from "@hono/node-server";
import { createApp } from "../app";
import { loadConfig, ConfigError } from "../config";
import { randomId, systemClock } from "../context";
import { createNodeLibsqlClient } from "../db/client.node.js";
import { createDatabase } from "../db/database";
import { runMigrations } from "../db/migrate.node.js";
import { createAuth } from "../auth/auth";
import { startNodeServing } from "../recsys/start.node.js";
import { startSearchHeadsRefresher } from "../services/catalog/search-heads";

/**
 * Node entry: the embedded default (libSQL file, in-process stores) and the container Kubernetes runs.
 * Validates config, migrates, loads the demo data into an empty database, then serves.
 */
async function main() {
  const config = loadConfig(process.env);
  const client = await createNodeLibsqlClient(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  const db = createDatabase(client);
  await runMigrations(db);

  const auth = createAuth({ config, db });

  if (config.DEMO_DATA) {
    const { ensureDemoData } = await import("../demo/ensure-demo.node.js");
    const demo = await ensureDemoData(db, { log: (line: string) => console.log(`[demo] ${line}`) });
    if (demo.status === "loaded") console.log(`[demo] catalog loaded: ${demo.items} products, ${demo.ratings} ratings in ${(demo.durationMs / 1000).toFixed(1)} s`);
  }

  // Session store + vector index from config, serving models from the ml/ registry (trained at first start).
  const serving = await startNodeServing({ config, db, clock: systemClock, newId: randomId });

  if (config.DEMO_DATA) {
    const { ensureDemoAccounts, formatDemoCredentials } = await import("../demo/demo-accounts.node.js");
    const accounts = await ensureDemoAccounts({ auth, db, clock: systemClock, newId: randomId, events: serving.events });
    // Passwords are generated per install and shown this once; they are stored only as hashes.
    if (accounts.status === "created") console.log(formatDemoCredentials(accounts.accounts));
  }

  const app = createApp({ config, db, clock: systemClock, newId: randomId, auth, ...serving });
  const server = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, (info) => {
    console.log(`Recircuit API listening on http://${info.address}:${info.port} (database ${config.DATABASE_URL})`);
    console.log(`  API reference: http://${info.address}:${info.port}/docs`);
  });

  // Search head lists (exact top results of frequent one-word searches) built in the background: at start if
  // the catalog changed since they were built, then whenever its revision changes and holds still. Never
  // awaited: until they are current, search runs live (same results, slower for frequent words).
  // (Not on an in-memory database: its one connection would be held by the build's read transaction.)
  const inMemory = /:memory:|mode=memory/.test(config.DATABASE_URL);
  const heads = inMemory ? { stop: () => {} } : startSearchHeadsRefresher(db, { log: (line) => console.log(line) });

  const shutdown = () => {
    heads.stop();
    serving.stop();
    server.close(() => {
      client.close();
      process.exit(0);
    });
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
  console.error(err);
  process.exit(1);
});
