import type { AppDeps } from "../context";
import cluster, { type Worker } from "node:cluster";
import { createApp } from "../app";
import { ConfigError, type Config } from "../config";
import type { Database } from "../db/database";
import { runMigrations } from "../db/migrate.node.js";
import {
  buildNodeBaseDeps,
  buildNodeDeps,
  createNodeLogger,
  loadNodeConfig,
  openNodeDatabase,
  startPrimaryMetrics,
  type NodeBaseDeps,
} from "../deps/node.node.js";
import { type Logger, logAt } from "../ports/logger";
import { startLearner } from "../recsys/start.node.js";
import { lowerOtherThreadsPriority } from "../recsys/learner/thread-priority.node.js";
import { SERVING_MODELS } from "../recsys/models/serving-model-names";
import { startSearchHeadsRefresher } from "../services/catalog/search-heads";
import { LibsqlArtifactRegistry } from "../adapters/model-registry/libsql";
import { listen } from "./listen.node.js";
import { withWebAssets } from "../web/assets.node.js";
import { describeCause, SettingError } from "../lib/describe-failure";
import { markAbandonedRuns } from "../ops/abandoned-runs.node.js";

/**
 * Node entry: the embedded default (libSQL file, in-process stores) and the container Kubernetes runs.
 * Validates config, migrates, loads the demo data into an empty database, then serves.
 *
 * WEB_CONCURRENCY > 1: a node:cluster primary does the one-time work once (migrations, demo data, training
 * and registering missing serving models, demo accounts, the search head lists refresher: everything that
 * writes shared state at start or in the background), then forks that many workers. Each worker loads
 * the registered models into its own memory and listens on the same port (the primary hands connections
 * out round-robin). A worker that dies is restarted with backoff; SIGINT/SIGTERM drain every worker.
 * Sessions are shared through SESSION_STORE (libsql or upstash; loadConfig refuses memory here).
 *
 * Background jobs that write shared state run once per pod: the learner thread in the primary, online
 * selection and new items' re-embedding in worker slot 0 (LEARNER_THREAD=off: neither learner nor re-embedding;
 * a scheduled `npm run learn` does both).
 *
 * Every process assembles its deps through src/deps/node.node.ts (buildNodeDeps; the primary, which serves
 * nothing, buildNodeBaseDeps) and logs JSON lines through their logger.
 */
async function main() {
  const config = loadNodeConfig(process.env);
  const logger = createNodeLogger(config);
  if (cluster.isWorker) return runWorker(config, logger);
  if (config.WEB_CONCURRENCY > 1) return runPrimary(config, logger);
  return runSingle(config, logger);
}

/**
 * The database, opened and migrated: the one backend the server cannot start without. A failure names
 * DATABASE_URL (credentials hidden) and the cause in one line.
 */
async function openMigratedDatabase(config: Config, logger: Logger) {
  let opened: Awaited<ReturnType<typeof openNodeDatabase>>;
  try {
    opened = await openNodeDatabase(config);
    await runMigrations(opened.db);
  } catch (err) {
    throw new SettingError("DATABASE_URL", config.DATABASE_URL, err);
  }
  // Ingest and learner runs whose process died (killed, OOM) are marked failed, with the reason.
  const abandoned = await markAbandonedRuns(opened.client);
  if (abandoned.ingest.length + abandoned.learner.length > 0)
    logger.warn("runs left running by a dead process marked failed", { ...abandoned });
  return opened;
}

async function loadDemoCatalog(config: Config, db: Database, logger: Logger): Promise<void> {
  if (!config.DEMO_DATA) return;
  const { ensureDemoData } = await import("../demo/ensure-demo.node.js");
  const log = logger.child({ component: "demo" });
  const demo = await ensureDemoData(db, { log: (line: string) => log.info(line) });
  if (demo.status === "loaded")
    log.info("catalog loaded", { products: demo.items, ratings: demo.ratings, ms: Math.round(demo.durationMs) });
}

async function createDemoAccounts(deps: Pick<NodeBaseDeps, "config" | "db" | "clock" | "newId" | "auth" | "events">) {
  if (!deps.config.DEMO_DATA) return;
  const { ensureDemoAccounts, formatDemoCredentials } = await import("../demo/demo-accounts.node.js");
  const accounts = await ensureDemoAccounts(deps);
  // Passwords are generated per install and shown this once (they are stored only as hashes): printed to
  // the terminal whatever LOG_LEVEL says, not logged.
  if (accounts.status === "created") console.log(formatDemoCredentials(accounts.accounts));
}

/** The address banner: a log line, whose message also reads well on a terminal. */
function announce(logger: Logger, config: Config, detail: string): void {
  const url = `http://${config.HOST}:${config.PORT}`;
  logger.info(`Recircuit API listening on ${url} (${detail})`, { url, docs: `${url}/docs` });
}

// Search head lists (exact top results of frequent one-word searches) built in the background: at start if
// the catalog changed since they were built, then whenever its revision changes and holds still. Never
// awaited: until they are current, search runs live (same results, slower for frequent words).
// Not on an in-memory database: its one connection would be held by the build's read transaction.
const startHeads = (db: Database, config: Config, logger: Logger) =>
  /:memory:|mode=memory/.test(config.DATABASE_URL)
    ? { stop: () => {} }
    : startSearchHeadsRefresher(db, { log: (line) => logger.info(line) });

/** One process: exactly the behaviour from before WEB_CONCURRENCY. */
async function runSingle(config: Config, logger: Logger) {
  const { client, db } = await openMigratedDatabase(config, logger);
  await loadDemoCatalog(config, db, logger);

  // Session store + vector index from config, serving models from the registry (trained at first start).
  const serving = await buildNodeDeps(config, { db, logger });
  await createDemoAccounts(serving.deps);

  const app = createApp(serving.deps);
  const server = listen(
    withWebAssets(app.fetch, logger),
    { hostname: config.HOST, port: config.PORT, logger },
    (info) => announce(logger, { ...config, HOST: info.address, PORT: info.port }, `database ${config.DATABASE_URL}`),
  );
  const heads = startHeads(db, config, logger);

  // Drain: keep serving for ACCEPT_WINDOW_MS (answers say `Connection: close`), then stop accepting and let
  // in-flight requests finish (idle keep-alive connections are closed as they appear); exit when the last one
  // is done or after SHUTDOWN_GRACE_MS - 1 s at the latest (the kubelet's and our wrapper's budget is 10 s).
  let closing = false;
  closeAfterShutdown(server, () => closing);
  const shutdown = (reason: string) => {
    if (closing) return;
    closing = true;
    logger.info("shutting down: draining in-flight requests", { reason });
    heads.stop();
    serving.stop();
    setTimeout(() => {
      logger.warn("shutdown: requests still running at the deadline, exiting");
      process.exit(1);
    }, SHUTDOWN_GRACE_MS - 1000).unref();
    setTimeout(() => {
      // Impressions are buffered up to 100 ms (the learner's training data): written before the client closes.
      server.close(() => void closeAfterFlush(serving.deps, client));
      // A keep-alive connection whose request finishes during the drain turns idle: close those as they appear
      // instead of waiting out the keep-alive timeout.
      if ("closeIdleConnections" in server) {
        server.closeIdleConnections();
        setInterval(() => server.closeIdleConnections(), 100).unref();
      }
    }, ACCEPT_WINDOW_MS).unref();
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  exitWithParent(() => shutdown("parent process gone"));
}

/**
 * Started by a wrapper with an IPC channel (scripts/start.mjs): when the wrapper dies, even by SIGKILL, the
 * channel closes and this process shuts down instead of living on as an orphan holding the port.
 */
/** Writes the feed's buffered impressions (failures are logged by the feed), then closes the database and exits. */
async function closeAfterFlush(deps: Pick<AppDeps, "recsys">, client: { close(): void }): Promise<never> {
  await deps.recsys.feed.flushImpressions();
  client.close();
  process.exit(0);
}

function exitWithParent(shutdown: () => void): void {
  if (process.connected) process.on("disconnect", shutdown);
}

/**
 * After SIGTERM the server keeps accepting and serving this long before it closes its port. Closing at once
 * reset connections still in the accept queue and keep-alive connections whose request had arrived but not
 * been read yet (they look idle): under load, most requests in flight at the signal (bench:sigterm). Within
 * the window every answer carries `Connection: close`, so clients open their next connection elsewhere (in
 * Kubernetes the preStop sleep has already taken the pod out of the Service).
 */
const ACCEPT_WINDOW_MS = 1000;

function closeAfterShutdown(server: ReturnType<typeof listen>, closing: () => boolean): void {
  server.prependListener("request", (_req, res) => {
    if (closing() && !res.headersSent) res.setHeader("connection", "close");
  });
}

/** A worker that lived at least this long counts as healthy: its next crash restarts without delay. */
const HEALTHY_AFTER_MS = 30_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** Workers still running this long after SIGTERM are killed. */
const SHUTDOWN_GRACE_MS = 10_000;

/** The cluster primary: one-time work, then N workers kept alive until a signal. */
async function runPrimary(config: Config, logger: Logger) {
  const n = config.WEB_CONCURRENCY;
  const clusterLog = (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) =>
    logger[level](`cluster: ${msg}`, fields);
  const { client, db } = await openMigratedDatabase(config, logger);
  const deps = buildNodeBaseDeps(config, db, logger);
  await loadDemoCatalog(config, db, logger);
  await ensureServingModels(config, db, logger);
  await createDemoAccounts(deps);
  // Background writers of shared state run here, once, not in every worker: search head lists, the learner.
  const heads = startHeads(db, config, logger);
  const podMetrics = startPrimaryMetrics(db, logger);
  const learner = startLearner(config, logAt(logger), undefined, podMetrics.metrics, db);
  // The learner's garbage collection runs on this process's V8 helper threads: at the learner's priority too.
  if (learner) {
    const threads = lowerOtherThreadsPriority();
    logger.info("cluster: background threads at low CPU priority", {
      threads: threads.filter((t) => t.tid !== process.pid && t.nice > 0).length,
      of: threads.length,
    });
  }

  let shuttingDown = false;
  let announced = false;
  const listening = new Set<number>();
  const slotOf = new Map<Worker, number>();
  const failures = new Array<number>(n).fill(0);

  const fork = (slot: number) => {
    const worker = cluster.fork({ RECIRCUIT_WORKER_SLOT: String(slot) });
    slotOf.set(worker, slot);
    const startedAt = Date.now();
    worker.on("exit", (code, signal) => {
      slotOf.delete(worker);
      listening.delete(worker.id);
      if (shuttingDown) {
        if (slotOf.size === 0) {
          client.close();
          process.exit(0);
        }
        return;
      }
      failures[slot] = Date.now() - startedAt >= HEALTHY_AFTER_MS ? 0 : failures[slot] + 1;
      const delay = failures[slot] === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 500 * 2 ** (failures[slot] - 1));
      clusterLog("warn", "worker exited, restarting", {
        workerPid: worker.process.pid,
        slot,
        code,
        signal,
        restartInMs: delay,
        recentFailures: failures[slot],
      });
      setTimeout(() => !shuttingDown && fork(slot), delay);
    });
  };

  cluster.on("listening", (worker) => {
    listening.add(worker.id);
    clusterLog("info", "worker listening", { workerPid: worker.process.pid, slot: slotOf.get(worker) });
    if (!announced && listening.size === n) {
      announced = true;
      announce(
        logger,
        config,
        `${n} worker processes, database ${config.DATABASE_URL}, session store ${config.SESSION_STORE}`,
      );
    }
  });

  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    heads.stop();
    podMetrics.stop();
    void learner?.stop();
    clusterLog("info", "shutting down", { signal, workers: slotOf.size });
    if (slotOf.size === 0) {
      client.close();
      process.exit(0);
    }
    for (const worker of slotOf.keys()) worker.process.kill("SIGTERM");
    setTimeout(() => {
      for (const worker of slotOf.keys()) worker.process.kill("SIGKILL");
      client.close();
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  exitWithParent(() => shutdown("SIGTERM"));

  for (let slot = 0; slot < n; slot++) fork(slot);
}

/**
 * Training at first start writes the database's model registry: done here, before any worker starts, so
 * workers only read it. Cheap when everything is registered (one index query per model, no artifact read).
 */
async function ensureServingModels(config: Config, db: Database, logger: Logger): Promise<void> {
  const registry = new LibsqlArtifactRegistry(db.$client);
  const missing: string[] = [];
  for (const model of [...Object.keys(SERVING_MODELS), "ranker"])
    if ((await registry.liveVersion(model)) === null) missing.push(model);
  if (missing.length === 0) return;
  logger.info("cluster: training and registering missing serving models once, before forking", { models: missing });
  // The same assembly and bootstrap a single process runs at first start; its in-memory result is dropped.
  const once = await buildNodeDeps(config, { db, logger });
  once.stop();
}

/** A cluster worker: its own connections and serving state over what the primary prepared. */
async function runWorker(config: Config, logger: Logger) {
  const { client, db } = await openNodeDatabase(config);
  // One worker runs online selection (slot 0); the primary runs the learner.
  const serving = await buildNodeDeps(config, {
    db,
    logger,
    trainMissing: false,
    selection: process.env.RECIRCUIT_WORKER_SLOT === "0",
    clusterSlot: Number(process.env.RECIRCUIT_WORKER_SLOT ?? 0),
    // One embedder model per pod, not per worker (its thread holds the encoder: ~100s of MB).
    reembed: process.env.RECIRCUIT_WORKER_SLOT === "0" && config.LEARNER_THREAD === "on",
  });
  const app = createApp(serving.deps);
  const server = listen(withWebAssets(app.fetch, logger), { hostname: config.HOST, port: config.PORT, logger });

  let closing = false;
  closeAfterShutdown(server, () => closing);
  const shutdown = () => {
    if (closing) return;
    closing = true;
    serving.stop();
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS - 1000).unref();
    setTimeout(() => {
      server.close(() => void closeAfterFlush(serving.deps, client));
    }, ACCEPT_WINDOW_MS).unref();
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  // The primary is gone (its IPC channel closed): nobody hands out connections any more.
  process.on("disconnect", shutdown);
}

/**
 * A start-up failure as one JSON log line naming the setting and the cause (the stack only at
 * LOG_LEVEL=debug): bad config exits 78 (EX_CONFIG, as the CLIs do), anything else 1.
 */
function startupFailure(msg: string, fields: Record<string, unknown> = {}): void {
  console.error(JSON.stringify({ level: "error", time: new Date().toISOString(), pid: process.pid, msg, ...fields }));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    startupFailure(`invalid configuration: ${err.issues.map((i) => `${i.variable}: ${i.message}`).join("; ")}`, {
      variables: err.issues.map((i) => i.variable),
    });
    process.exit(78); // EX_CONFIG
  }
  const debug = process.env.LOG_LEVEL === "debug";
  const stack = debug && err instanceof Error ? { stack: err.stack } : {};
  if (err instanceof SettingError) startupFailure(`cannot start: ${err.message}`, { setting: err.setting, ...stack });
  else startupFailure(`cannot start: ${describeCause(err)}`, stack);
  process.exit(1);
});
