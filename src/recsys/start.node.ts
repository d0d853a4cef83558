import { selectSessionStore } from "../adapters/select";
import type { Payments } from "../ports/payments";
import { LibsqlSessionStore } from "../adapters/session-store/libsql";
import { nativeSqlExecutor } from "../db/native-executor.node.js";
import { clientExecutor, type SqlExecutor } from "../db/sql-executor";
import type { Config } from "../config";
import { timeOrderedId, type Clock, type IdGenerator } from "../context";
import type { Database } from "../db/database";
import { createDbEventLog } from "../adapters/event-log/libsql";
import type { EventLog } from "../ports/event-log";
import { logAt, type Log, type Logger } from "../ports/logger";
import { describeCause } from "../lib/describe-failure";
import { buildServingDeps } from "../deps/serving";
import { Learner } from "./learner/learner.node.js";
import { LibsqlArtifactRegistry } from "../adapters/model-registry/libsql";
import type { Recsys } from "./recsys";
import type { LearnerReport } from "./learner/cycle";
import { nodeColdStart, type NodeColdStart, type NodeColdStartOptions } from "./embeddings/cold-start.node.js";
import { REGISTRY_MODELS } from "./models/bootstrap";
import { runSelectionCycle } from "./selection/cycle";
import { SelectionStore } from "./selection/store";
import type { SessionStore } from "../ports/session-store";
import type { VectorIndex } from "../ports/vector-index";
import type { Metrics } from "../ports/metrics";
import { LEASES } from "../ports/lease";
import { LEASE_TTL_MS, whileLeader } from "../ops/leader";
import { nodeHolderId, nodeLease } from "../ops/leases.node.js";
import { type LearnerRunStatus, recordLearnerThreadRun } from "../ops/learner-runs";

/** First retry of a failed model load; doubles up to a minute. */
const MODEL_RETRY_FIRST_MS = 5000;

export interface NodeServing {
  events: EventLog;
  sessions: SessionStore;
  vectors: VectorIndex;
  recsys: Recsys;
  /** The checkout's payment step (src/deps/serving.ts decides the adapter). */
  payments: Payments;
  /**
   * The learner's worker thread, when it may run in this process (LEARNER=on, LEARNER_THREAD=on, file/remote
   * DB): it runs while this process holds the `learner` lease (one learner per deployment).
   */
  learner?: { stop(): Promise<void> } | null;
  /** New catalog items joining serving (src/recsys/embeddings/cold-start.ts); null with LEARNER=off. */
  coldStart?: NodeColdStart | null;
  /** The hot-path SQL executor (nodeHotSql): also runs the storefront's page reads (AppDeps.sql). */
  sql: SqlExecutor;
  /** Stops the timers, the learner (after its current cycle), cold start and the hot SQL connection. */
  stop(): Promise<void>;
}

/**
 * Starts continuous training in a worker thread over the app database (its own connection), unless
 * LEARNER=off. Its versions land in the libSQL registry; serving picks up new live ones with
 * `reloadIfChanged()`, which `onReport` triggers at once when a cycle registered anything. Needs a database
 * other threads can open.
 */
export function startLearner(
  config: Config,
  log: Log,
  onReport?: (r: LearnerReport) => void,
  metrics?: Metrics,
  /** The app database: the learner runs only while this process holds its `learner` lease there. */
  db?: Database,
): { stop(): Promise<void> } | null {
  if (config.LEARNER === "off") return null;
  const why =
    config.LEARNER_THREAD === "off"
      ? "LEARNER_THREAD=off: a scheduled `npm run learn` trains"
      : config.DATABASE_URL.includes(":memory:")
        ? "an in-memory database cannot be opened by another thread"
        : null;
  if (why) {
    log("learner: not started", { reason: why });
    return null;
  }
  // Cycles that trained or failed go to the database's record of learner runs, which every pod's /metrics
  // exports (src/ops/learner-runs.ts) wherever the learner ran; idle cycles (nothing new) are not runs.
  const record = (
    run: { startedAt: number; finishedAt: number; status: LearnerRunStatus },
    { mode, reason, failed, newEvents, error }: Partial<LearnerReport> & { error?: string },
  ): void => {
    if (!db) return;
    recordLearnerThreadRun(db.$client, {
      id: `learner-thread-${run.startedAt}-${crypto.randomUUID().slice(0, 8)}`,
      ...run,
      detail: { mode, reason, failed, newEvents, error, owner: nodeHolderId() },
    }).catch((err: unknown) => log("learner: run not recorded", { level: "warn", error: describeCause(err) }));
  };
  const learner = new Learner({
    databaseUrl: config.DATABASE_URL,
    authToken: config.DATABASE_AUTH_TOKEN,
    intervalMs: config.LEARNER_INTERVAL_SECONDS * 1000,
    // Registered as challengers: the selection module (src/recsys/selection) decides what serves.
    options: { promote: false },
    log,
    onReport: (r) => {
      if (r.mode !== "idle")
        record({ startedAt: r.startedAt, finishedAt: r.startedAt + r.ms, status: r.failed ? "failed" : "ok" }, r);
      metrics?.observeLearnerRun({
        outcome: r.failed ? "partial" : "ok",
        seconds: r.ms / 1000,
        finishedAt: r.startedAt + r.ms,
      });
      onReport?.(r);
    },
    onCycleError: ({ ms, error }) => {
      record({ startedAt: Date.now() - (ms ?? 0), finishedAt: Date.now(), status: "failed" }, { error });
      metrics?.observeLearnerRun({ outcome: "error", seconds: (ms ?? 0) / 1000, finishedAt: Date.now() });
    },
    onCrash: () => {
      record(
        { startedAt: Date.now(), finishedAt: Date.now(), status: "killed" },
        { reason: "the learner thread died (uncaught error or out of memory)", failed: true },
      );
      metrics?.observeLearnerCrash();
    },
  });
  if (!db) return learner.start();
  // One learner per deployment: every pod (or cluster primary) with LEARNER_THREAD=on competes for the
  // lease, `npm run learn` too; the holder trains, the others wait to take over if it dies.
  const lease = nodeLease(db.$client, LEASES.learner, LEASE_TTL_MS.learnerThread, log);
  return whileLeader(lease, learner, { checkEveryMs: LEASE_TTL_MS.learnerThread / 3, log });
}

/**
 * The hot-path SQL of a Node process: on an embedded `file:` database, one native connection with prepared
 * statements kept (about half the cost per call of going through the app's `@libsql/client`, which prepares
 * every statement on every call; scripts/bench/session-store.ts). It serves the libsql session store, the
 * feed's per-page listing read and event writes, so this process's own writes never reset the page cache
 * of the connection it reads from. Remote databases use the app's client.
 */
export function nodeHotSql(config: Config, db: Database): { sql: SqlExecutor; close: () => void } {
  if (config.DATABASE_URL.startsWith("file:")) {
    const executor = nativeSqlExecutor(config.DATABASE_URL);
    return { sql: executor, close: () => executor.close() };
  }
  return { sql: clientExecutor(db.$client), close: () => {} };
}

/** The session store from config (SESSION_STORE); libsql runs on `sql` (see nodeHotSql). */
export function nodeSessionStore(
  config: Config,
  db: Database,
  clock: Clock,
  sql: SqlExecutor,
  logger?: Logger,
): SessionStore {
  if (config.SESSION_STORE === "libsql") return new LibsqlSessionStore({ executor: sql, now: clock });
  return selectSessionStore(config, clock, db, logger);
}

/**
 * Node entry wiring for recommendations: adapters from config, the model registry in the app's database
 * (the one `npm run train` writes and the Workers read), models loaded from it or trained in-process and
 * registered when missing, and `refresh()` every `refreshSeconds` to fold new events in. Pass the result's
 * fields into AppDeps (src/deps/node.node.ts: buildNodeDeps does).
 */
export async function startNodeServing(
  base: { config: Config; db: Database; clock: Clock; newId: IdGenerator; logger: Logger; metrics?: Metrics },
  /** `trainMissing: false` (cluster workers): serve what is registered; the primary trained anything missing. */
  options: {
    refreshSeconds?: number;
    trainMissing?: boolean;
    /** Run the learner in this process (default: when it trains missing models, i.e. not in cluster workers). */
    learner?: boolean;
    /**
     * Run online model selection's cycle in this process (default true). In a cluster one worker runs it:
     * concurrent cycles would fold the same events twice.
     */
    selection?: boolean;
    coldStart?: NodeColdStartOptions;
    /**
     * Embed new items in a thread of this process (default: when LEARNER_THREAD is on). Off, the process only
     * copies stored vectors in: one embedder per deployment (`npm run learn`, or one cluster worker), not one
     * model in memory per serving process.
     */
    reembed?: boolean;
  } = {},
): Promise<NodeServing> {
  // The timer's lines (selection decisions, failures) as before the logger port: at info.
  const log = logAt(base.logger);
  const hot = nodeHotSql(base.config, base.db);
  const events = createDbEventLog(base.db, base.clock, timeOrderedId, hot.sql);
  const registry = new LibsqlArtifactRegistry(base.db.$client, { now: base.clock });
  const sessions = nodeSessionStore(base.config, base.db, base.clock, hot.sql, base.logger);
  const serving = buildServingDeps({
    ...base,
    events,
    registry,
    sessions,
    sql: hot.sql,
    feed: base.metrics ? { observe: base.metrics.feed } : undefined,
  });
  // Models that cannot be loaded (registry unreadable, artifacts broken, nothing to train on) do not stop the
  // server: catalog and marketplace serve, model-backed routes answer 503 until a retry loads them.
  let modelTimer: ReturnType<typeof setTimeout> | null = null;
  const loadModels = async (delayMs: number): Promise<void> => {
    try {
      await serving.recsys.start(base.db, { trainMissing: options.trainMissing ?? true });
      if (delayMs > MODEL_RETRY_FIRST_MS) log("recsys: serving models loaded after a failed start");
    } catch (err) {
      log("recsys: serving models not loaded; recommendation routes answer 503 until they are", {
        level: "error",
        error: describeCause(err),
        retryInMs: delayMs,
      });
      modelTimer = setTimeout(() => void loadModels(Math.min(delayMs * 2, 60_000)), delayMs);
      modelTimer.unref();
    }
  };
  await loadModels(MODEL_RETRY_FIRST_MS);
  // Cold start: items added while serving get content vectors and join the catalog, every tick (frozen: off).
  const coldStart =
    base.config.LEARNER === "on"
      ? nodeColdStart({ ...base, log }, serving.recsys, {
          ...((options.reembed ?? base.config.LEARNER_THREAD === "on") ? {} : { reembed: "off" as const }),
          ...options.coldStart,
        })
      : null;
  const coldStartCycle = (): Promise<unknown> =>
    coldStart
      ? coldStart.coldStart.cycle().catch((err: unknown) =>
          log("recsys: cold-start cycle failed; new items wait for the next one", {
            error: err instanceof Error ? err.message : String(err),
          }),
        )
      : Promise.resolve();
  void coldStartCycle(); // the first one now: a restart copies the stored vectors in without waiting a tick
  // Its own, shorter period: a new item must reach feeds within a minute, and a cycle with nothing new costs
  // a few indexed reads. Concurrent calls share one run, so a slow cycle never piles up.
  const coldTimer = coldStart
    ? setInterval(() => void coldStartCycle(), (options.coldStart?.everySeconds ?? 20) * 1000)
    : null;
  coldTimer?.unref();
  const every = (options.refreshSeconds ?? base.config.LEARNER_INTERVAL_SECONDS) * 1000;
  const frozen = base.config.LEARNER === "off";
  const why = (err: unknown): string => (err instanceof Error ? err.message : String(err));
  const verified = new Set<string>();
  // One selection cycle per deployment at a time (pods, cluster workers, the scheduler Worker): the holder of
  // the `model-selection` lease runs it and keeps the lease between ticks; the others skip their turn.
  const selectionLease = nodeLease(base.db.$client, LEASES.selection, LEASE_TTL_MS.selection, log);
  const selection =
    !frozen && options.selection !== false
      ? () =>
          selectionLease
            .run(() =>
              runSelectionCycle({
                store: new SelectionStore(base.db),
                registry,
                events,
                now: base.clock,
                newId: timeOrderedId,
                models: REGISTRY_MODELS,
                verified,
              }),
            )
            .then((r) => (r.ran ? r.value : { decisions: [] }))
      : null;
  // Every tick: selection decides (promotes, rolls back) among the registered versions, serving picks up
  // live versions that moved, then (unless frozen) new events are folded into signed-in users' long-term
  // histories. Models change only through registry versions (the learner writes them).
  const runTick = (): Promise<void> =>
    (selection
      ? selection().then((r) =>
          r.decisions.length > 0 ? log("selection: decisions", { decisions: r.decisions }) : undefined,
        )
      : Promise.resolve()
    )
      .catch((err: unknown) => log("selection: cycle failed", { error: why(err) }))
      .then(() => serving.recsys.reloadIfChanged())
      .then(
        () => undefined,
        (err: unknown) => log("recsys: reload failed; the current models keep serving", { error: why(err) }),
      )
      .then(() => serving.recsys.refreshExperiments())
      .then(() => (frozen ? undefined : serving.recsys.refresh()))
      .then(
        () => undefined,
        (err: unknown) => log("recsys: refresh failed", { error: why(err) }),
      );
  // One tick at a time (the timer and the learner's reports both trigger it): two selection cycles at once
  // would fold the same events twice and could start the same experiment twice.
  let inFlight: Promise<void> | null = null;
  let again = false;
  const tick = (): Promise<void> => {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = runTick().finally(() => {
      inFlight = null;
      if (again) {
        again = false;
        void tick();
      }
    });
    return inFlight;
  };
  const timer = setInterval(() => void tick(), every);
  timer.unref();
  const learner =
    (options.learner ?? options.trainMissing ?? true)
      ? startLearner(
          base.config,
          log,
          (r) => {
            if (r.models.some((m) => m.status === "registered")) void tick();
          },
          base.metrics,
          base.db,
        )
      : null;
  return {
    events,
    ...serving,
    sql: hot.sql,
    learner,
    coldStart,
    stop: async () => {
      clearInterval(timer);
      if (modelTimer) clearTimeout(modelTimer);
      serving.recsys.stop();
      if (coldTimer) clearInterval(coldTimer);
      await Promise.all([learner?.stop(), coldStart?.stop(), selectionLease.release()]);
      hot.close();
    },
  };
}
