/**
 * Creates the first admin account (or checks it exists): `npm run create-admin -- --email a@b.c --password '…'`.
 * The password may come from CREATE_ADMIN_PASSWORD instead, to keep it out of shell history.
 * Idempotent: an existing admin is left alone; an existing non-admin is promoted only with --promote.
 * Exit codes: 0 done, 1 refused (weak password, exists as non-admin, bad email), 78 bad configuration.
 */
import { parseArgs } from "node:util";
import { AccountError, ensureAdmin } from "../src/auth/accounts";
import { createAuth } from "../src/auth/auth";
import { buildCliDeps } from "../src/deps/node-base.node.js";
import { runCli, withMigratedDatabase } from "./lib/database-cli";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      password: { type: "string" },
      name: { type: "string" },
      promote: { type: "boolean", default: false },
    },
  });
  const password = values.password ?? process.env.CREATE_ADMIN_PASSWORD;
  const email = values.email;
  if (!email || !password) {
    console.error("usage: npm run create-admin -- --email <email> --password <password> [--name <name>] [--promote]");
    return 1;
  }
  return withMigratedDatabase(async ({ config, db }) => {
    try {
      const result = await ensureAdmin(
        { auth: createAuth(buildCliDeps(config, db)), db },
        { email, password, name: values.name, promote: values.promote },
      );
      const said = {
        created: "created admin",
        already_admin: "already an admin, nothing to do:",
        promoted: "promoted to admin:",
      }[result.status];
      console.log(`${said} ${email} (user ${result.userId})`);
      return 0;
    } catch (err) {
      if (err instanceof AccountError) {
        console.error(`refused (${err.code}): ${err.message}`);
        return 1;
      }
      throw err;
    }
  });
}

runCli(main);
