/** `npm run migrate`: apply pending migrations to DATABASE_URL (embedded file or Turso). Exit 78 on bad config. */
import { runCli, withMigratedDatabase } from "./lib/database-cli";

runCli(() =>
  withMigratedDatabase(async ({ config }) => {
    console.log(`migrations applied to ${config.DATABASE_URL}`);
    return 0;
  }),
);
