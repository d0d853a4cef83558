import { defineConfig } from "vitest/config";

// Node-side suite: unit, integration (real libSQL file engine, real redis-server), browser.
// The workerd suite lives in vitest.workerd.config.ts.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/workerd/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // One module graph per worker: importing the app and better-auth per file dominated run time (4x slower),
    // and no test mocks modules or globals, so files share nothing but immutable imports.
    isolate: false,
  },
});
