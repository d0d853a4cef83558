/// <reference types="@cloudflare/vitest-pool-workers/types" />
import type { WorkerEnv } from "../../workers/runtime";

// Bindings the test Worker gets: wrangler.toml vars plus the overrides in vitest.workerd.config.ts.
declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      DATABASE_URL: string;
      DATABASE_AUTH_TOKEN: string;
    }
  }
}

// Values global-setup.ts (Node) hands to the pool config and to tests.
declare module "vitest" {
  export interface ProvidedContext {
    libsqlUrl: string;
    libsqlToken: string;
    fixtureCount: number;
  }
}
