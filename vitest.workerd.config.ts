import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Keep wrangler/miniflare off the network so a bare `npm run test:workerd` works offline and in CI.
process.env.WRANGLER_SEND_METRICS = "false";
process.env.WRANGLER_SEND_ERROR_REPORTS = "false";
process.env.WRANGLER_HIDE_BANNER = "true";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
delete process.env.CLOUDFLARE_API_TOKEN;

/**
 * Tests that run INSIDE workerd against the real `api` Worker (wrangler.toml) and the scheduler module.
 * global-setup.ts (Node) starts the local libSQL server over a migrated, seeded file; its URL and token
 * reach the Worker as the DATABASE_URL / DATABASE_AUTH_TOKEN bindings.
 */
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          NODE_ENV: "test",
          LOG_LEVEL: "warn",
          DATABASE_URL: inject("libsqlUrl"),
          DATABASE_AUTH_TOKEN: inject("libsqlToken"),
          BETTER_AUTH_SECRET: "workerd-test-secret-0123456789abcdef0123456789",
          BETTER_AUTH_URL: "http://localhost",
        },
      },
    })),
  ],
  test: {
    include: ["test/workerd/**/*.test.ts"],
    globalSetup: ["test/workerd/global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Both files share one runner and module graph: the app (better-auth, kysely, drizzle: ~1,300
    // modules fetched into workerd through Vite) is then imported once, not once per file.
    isolate: false,
    fileParallelism: false,
  },
});
