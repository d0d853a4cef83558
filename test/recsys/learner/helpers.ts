import { createApp } from "../../../src/app";
import { buildServingDeps } from "../../../src/deps/serving";
import type { Logger } from "../../../src/ports/logger";
import { MemoryVectorIndex } from "../../../src/adapters/vector-index/memory";
import { MemorySessionStore } from "../../../src/adapters/session-store/memory";
import type { LearnerDeps } from "../../../src/recsys/learner/cycle";
import { LibsqlArtifactRegistry } from "../../../src/adapters/model-registry/libsql";
import type { Recsys } from "../../../src/recsys/recsys";
import { createTestApp, type TestApp } from "../../helpers/app";
import { seedRecsysData } from "../fixtures";

export interface LearnerTestApp extends TestApp {
  registry: LibsqlArtifactRegistry;
  recsys: Recsys;
  learnerDeps: (extra?: Partial<LearnerDeps>) => LearnerDeps;
  logs: { msg: string; fields?: Record<string, unknown> }[];
  /** A second server process over the same database file and registry: what a restart starts. */
  restart: () => Promise<{ recsys: Recsys; app: ReturnType<typeof createApp> }>;
}

/** The seeded recsys app over the real libSQL engine with the libSQL registry (the Node default). */
export async function learnerTestApp(): Promise<LearnerTestApp> {
  const t = await createTestApp();
  await seedRecsysData(t);
  // The registry's clock ticks 1 ms per reading: versions registered one after another are newer, as with a
  // real clock (under the frozen test clock every version had the same age, and "newest" was the hash order).
  let tick = 0;
  const registry = new LibsqlArtifactRegistry(t.db.$client, { now: () => t.deps.clock() + tick++ });
  const logs: LearnerTestApp["logs"] = [];
  const log = (msg: string, fields?: Record<string, unknown>): void => void logs.push({ msg, fields });
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  const build = () =>
    buildServingDeps({
      ...t.deps,
      events: t.deps.events,
      registry,
      sessions: new MemorySessionStore({ now: t.deps.clock }),
      vectors: new MemoryVectorIndex(),
      logger,
    });
  const serving = build();
  await serving.recsys.start(t.db, { trainMissing: true, seed: 7 });
  const deps = { ...t.deps, ...serving };
  return {
    ...t,
    deps,
    app: createApp(deps),
    registry,
    recsys: serving.recsys,
    logs,
    learnerDeps: (extra = {}) => ({
      db: t.db,
      events: serving.recsys.o.events,
      registry,
      now: t.deps.clock,
      log,
      ...extra,
    }),
    restart: async () => {
      const next = build();
      await next.recsys.start(t.db, { trainMissing: false, seed: 7 });
      return { recsys: next.recsys, app: createApp({ ...t.deps, ...next }) };
    },
  };
}
