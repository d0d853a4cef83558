/**
 * Creates the first admin account (or checks it exists): `npm run create-admin -- --email a@b.c --password '…'`.
 * The password may come from CREATE_ADMIN_PASSWORD instead, to keep it out of shell history.
 * Idempotent: an existing admin is left alone; an existing non-admin is promoted only with --promote.
 * Exit codes: 0 done, 1 refused (weak password, exists as non-admin, bad email), 78 bad configuration.
 */
import { parseArgs } from "node:util";
import { AccountError, ensureAdmin } from "../src/auth/accounts";
import { createAuth } from "../src/auth/auth";
import { ConfigError, loadConfig } from "../src/config";
import { createNodeLibsqlClient } from "../src/db/client.node.js";
import { createDatabase } from "../src/db/database";
import { runMigrations } from "../src/db/migrate.node.js";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { email: { type: "string" }, password: { type: "string" }, name: { type: "string" }, promote: { type: "boolean", default: false } },
  });
  const password = values.password ?? process.env.CREATE_ADMIN_PASSWORD;
  if (!values.email || !password) {
    console.error("usage: npm run create-admin -- --email <email> --password <password> [--name <name>] [--promote]");
    return 1;
  }
  const config = loadConfig(process.env);
  const client = await createNodeLibsqlClient(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  try {
    const db = createDatabase(client);
    await runMigrations(db);
    const result = await ensureAdmin({ auth: createAuth({ config, db }), db }, { email: values.email, password, name: values.name, promote: values.promote });
    const said = { created: "created admin", already_admin: "already an admin, nothing to do:", promoted: "promoted to admin:" }[result.status];
    console.log(`${said} ${values.email} (user ${result.userId})`);
    return 0;
  } catch (err) {
    if (err instanceof AccountError) {
      console.error(`refused (${err.code}): ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    console.error(err);
    process.exit(1);
  },
);
