import type { Config } from "./config";
import type { Database } from "./db/database";

/** Clock port: injectable so tests control time (TTL, expiry, recency). */
export type Clock = () => number;
/** Id port: injectable so tests get deterministic ids. */
export type IdGenerator = () => string;

/**
 * Everything a route or service may touch, built once from validated config by an entry point
 * (Node server, Worker, tests) and handed to the app. Routes never import adapters directly.
 */
export interface AppDeps {
  config: Config;
  db: Database;
  clock: Clock;
  newId: IdGenerator;
}

/** Hono environment shared by every route module. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
  };
}

export const systemClock: Clock = () => Date.now();
export const randomId: IdGenerator = () => crypto.randomUUID();
