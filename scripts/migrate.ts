/** `npm run migrate`: apply pending migrations to DATABASE_URL (embedded file or Turso). */
import { loadConfig } from "../src/config";
import { createNodeLibsqlClient } from "../src/db/client.node.js";
import { createDatabase } from "../src/db/database";
import { runMigrations } from "../src/db/migrate.node.js";

const config = loadConfig(process.env);
const client = await createNodeLibsqlClient(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
await runMigrations(createDatabase(client));
console.log(`migrations applied to ${config.DATABASE_URL}`);
client.close();
