import { v7 as uuidv7 } from "uuid";
import type { Config } from "./config";
import type { Database } from "./db/database";
import type { Auth } from "./auth/auth";
import type { Principal } from "./auth/principal";
import type { EventLog } from "./ports/event-log";
import type { Logger } from "./ports/logger";
import type { Mailer } from "./ports/mailer";
import type { Metrics } from "./ports/metrics";
import type { ObjectStorage } from "./ports/object-storage";
import type { Payments } from "./ports/payments";
import type { SessionStore } from "./ports/session-store";
import type { VectorIndex } from "./ports/vector-index";
import type { Recsys } from "./recsys/recsys";
import type { SqlExecutor } from "./db/sql-executor";

/** Clock port: injectable so tests control time (TTL, expiry, recency). */
export type Clock = () => number;
/** Id port: injectable so tests get deterministic ids. */
export type IdGenerator = () => string;

/**
 * Everything a route or service may touch, built complete from validated config by the runtime's buildDeps
 * and handed to the app. Routes never import adapters directly. One assembly per runtime, in src/deps/:
 * node.node.ts (Node server, cluster primary and workers, CLIs), worker.ts + api-worker.ts (scheduler and api
 * Workers), in-process.ts (tests); serving.ts is the serving part they share.
 */
export interface AppDeps {
  config: Config;
  db: Database;
  clock: Clock;
  newId: IdGenerator;
  /** Structured JSON logs at LOG_LEVEL (src/ports/logger.ts). */
  logger: Logger;
  /** Request metrics for `/metrics` (Node: Prometheus); absent on Workers. */
  metrics?: Metrics;
  /** better-auth instance for this database (see src/auth/auth.ts: createAuth). */
  auth: Auth;
  /** Account mail (welcome, sign-up notices, password reset): the same instance better-auth sends through. */
  mailer: Mailer;
  /** Interaction event log (recommender input). */
  events: EventLog;
  /** Per-session interaction history + KV with TTL (Upstash, libSQL or in-process; src/adapters/select.ts). */
  sessions: SessionStore;
  /** Item vectors per model version (Qdrant or in-process; src/adapters/select.ts). */
  vectors: VectorIndex;
  /** Serving models (feed, session and product recommendations); started by the entry point. */
  recsys: Recsys;
  /** Uploaded files (listing photos): R2 on Workers, a local folder on Node, memory in tests. */
  objects: ObjectStorage;
  /** The storefront checkout's payment step (src/ports/payments.ts; test mode until a provider adapter exists). */
  payments: Payments;
  /**
   * Hot-path reads with constant SQL text (storefront page data): on Node with an embedded file the native
   * executor that keeps statements prepared (src/recsys/start.node.ts: nodeHotSql); absent elsewhere, where
   * callers use the app's client (clientExecutor).
   */
  sql?: SqlExecutor;
}

/** Hono environment shared by every route module. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    /** Who is calling: a session user, an API key or anonymous (set on /v1/* by the principal middleware). */
    principal: Principal;
    /** Anonymous browser session id (rc_sid cookie or x-session-id header), also kept for signed-in users. */
    anonId: string;
  };
}

export const systemClock: Clock = () => Date.now();
export const randomId: IdGenerator = () => crypto.randomUUID();
/**
 * UUIDv7 (time-ordered, RFC 9562) for append-heavy tables such as events: consecutive ids sort together, so
 * the primary-key index grows at its end instead of taking random page writes (fewer pages touched per insert).
 */
export const timeOrderedId: IdGenerator = () => uuidv7();
