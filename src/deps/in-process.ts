/**
 * Assembly for tests (test/helpers/app.ts) and in-process tools: the complete AppDeps over a given database,
 * with the session store, vector index and model registry in process unless given. Web APIs only.
 */
import { createConsoleJsonLogger } from "../adapters/logger/console-json";
import { MemoryObjectStorage } from "../adapters/object-storage/memory";
import { MemorySessionStore } from "../adapters/session-store/memory";
import { MemoryVectorIndex } from "../adapters/vector-index/memory";
import { createAuth, type PasswordHasher } from "../auth/auth";
import type { Config } from "../config";
import type { AppDeps, Clock, IdGenerator } from "../context";
import type { Database } from "../db/database";
import { createDbEventLog } from "../adapters/event-log/libsql";
import { buildServingDeps, type ServingDepsInput } from "./serving";
import { TestModePayments } from "../adapters/payments/test-mode";
import { MemoryOutbox } from "../adapters/mailer/memory-outbox";

export interface InProcessDepsInput {
  config: Config;
  db: Database;
  clock: Clock;
  newId: IdGenerator;
  /** Any dependency built by the caller instead (a started Recsys, a store under test, a logger to read). */
  overrides?: Partial<AppDeps>;
  /** Tests swap better-auth's scrypt for a fast hash (test/helpers/app.ts: fastPasswordHasher). */
  passwordHasher?: PasswordHasher;
  feed?: ServingDepsInput["feed"];
}

/**
 * The logger defaults to console JSON lines at `error`: failures (a 500's stack, a dropped event write) show,
 * model training chatter does not.
 */
export function buildInProcessDeps(i: InProcessDepsInput): AppDeps {
  const o = i.overrides ?? {};
  const base = { config: o.config ?? i.config, db: o.db ?? i.db, clock: o.clock ?? i.clock, newId: o.newId ?? i.newId };
  const logger =
    o.logger ?? createConsoleJsonLogger({ level: base.config.LOG_LEVEL === "silent" ? "silent" : "error" });
  const events = o.events ?? createDbEventLog(base.db, base.clock, base.newId);
  const serving = o.recsys
    ? {
        sessions: o.sessions ?? o.recsys.o.sessions,
        vectors: o.vectors ?? o.recsys.o.vectors,
        recsys: o.recsys,
        payments: o.payments ?? new TestModePayments(base.clock),
      }
    : buildServingDeps({
        ...base,
        logger,
        events,
        sessions: o.sessions ?? new MemorySessionStore({ now: base.clock }),
        vectors: o.vectors ?? new MemoryVectorIndex(),
        feed: i.feed,
        payments: o.payments,
      });
  const mailer = o.mailer ?? new MemoryOutbox();
  const auth = o.auth ?? createAuth({ ...base, logger, mailer }, { passwordHasher: i.passwordHasher });
  return { ...base, logger, auth, mailer, events, ...serving, objects: o.objects ?? new MemoryObjectStorage() };
}
