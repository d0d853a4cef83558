/**
 * `npm run bench:serve [-- --items 30000 --runs 3 --duration 8 --connections 10]`
 * `npm run bench:serve -- --items 1000000 --synthetic` (generated catalog, vectors and neighbour lists)
 *
 * Serving latency through the real Node server (@hono/node-server) on loopback, in a child process so
 * the load generator does not share its event loop. Every scenario gets two runs per round, medians over
 * --runs rounds, with /healthz (one SELECT 1) as the same-run baseline:
 *   saturated   autocannon, closed loop, --connections: the maximum req/s (its latency is queueing);
 *   fixed rate  open loop at --rate req/s (scripts/lib/autocannon-run.ts runPaced), latency from each
 *               request's due time: the p99 an SLO means. Met only if the achieved rate is the offered one.
 * Scenarios:
 *   session  GET /v1/recommendations/session?session_id=<one of 2000 live sessions>
 *   product  GET /v1/products/<id>/recommendations?session_id=...
 *   feed     GET /v1/feed?session_id=...  (first page: full recall -> rank -> rerank -> snapshot each time)
 * --items 30000: a generated catalog written to a libSQL file (products, reviews, listings), models
 *   trained in-process at start and registered (the embedded default path, timed).
 * --synthetic: the catalog and models are generated in memory (1M items: clustered 32-d vectors upserted
 *   into the in-process VectorIndex (IVF built), generated co-visitation lists, session kNN fitted on
 *   200k generated sessions);
 *   the database holds no products. Exactly what is measured is printed with the results.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync, rmSync, existsSync, readdirSync, readFileSync } from "node:fs";
import cluster from "node:cluster";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { dirname } from "node:path";
import { serve } from "@hono/node-server";
import { median, runLoad, runPaced, type LoadResult, type PacedResult } from "../lib/autocannon-run";
import { freePort } from "../lib/server-process";
import { createApp } from "../../src/app";
import { loadConfig, type Config } from "../../src/config";
import type { SessionAppend } from "../../src/ports/session-store";
import { systemClock, timeOrderedId, type AppDeps } from "../../src/context";
import { createNodeLibsqlClient } from "../../src/db/client.node.js";
import { createDatabase, type Database } from "../../src/db/database";
import { runMigrations } from "../../src/db/migrate.node.js";
import { nodeHotSql, nodeSessionStore } from "../../src/recsys/start.node.js";
import { LibsqlArtifactRegistry } from "../../src/adapters/model-registry/libsql";
import { buildServingDeps } from "../../src/deps/serving";
import { buildCliDeps, buildNodeBaseDeps, buildNodeDeps, createNodeLogger } from "../../src/deps/node.node.js";
import type { MemoryVectorIndex } from "../../src/adapters/vector-index/memory";
import { createDbEventLog } from "../../src/adapters/event-log/libsql";
import { MemoryObjectStorage } from "../../src/adapters/object-storage/memory";
import { ItemCatalog, type CatalogRow } from "../../src/recsys/catalog";
import { CovisIndex } from "../../src/recsys/models/covis-index";
import { Trending } from "../../src/recsys/models/trending";
import { SessionKnnSource, type ServingModels } from "../../src/recsys/models/serving-models";
import { publishVectors } from "../../src/recsys/models/bootstrap";
import { defaultRanker } from "../../src/recsys/feed/rank";
import { SessionKnnRecommender } from "../../ml/models/session-knn";
import { Rng } from "../../ml/core/rng";
import { componentFootprints, processMemory } from "../lib/memory-footprint";

const { values } = parseArgs({
  options: {
    items: { type: "string", default: "30000" },
    runs: { type: "string", default: "3" },
    duration: { type: "string", default: "8" },
    connections: { type: "string", default: "10" },
    synthetic: { type: "boolean", default: false },
    // Server processes: 1 (in-process SessionStore) or N / "auto" (node:cluster workers sharing the port and
    // a libSQL SessionStore, as the Node server with WEB_CONCURRENCY=N).
    workers: { type: "string", default: "1" },
    child: { type: "boolean", default: false },
    port: { type: "string", default: "0" },
    out: { type: "string", default: "" },
    // CPU profile of the server child (node --cpu-prof), written to bench-out/prof/ when it is stopped.
    profile: { type: "boolean", default: false },
    // Comma-separated scenario prefixes to run (e.g. "feed,session"); the /healthz baseline always runs.
    only: { type: "string", default: "" },
    // Offered rate (req/s) of the fixed-rate run of every scenario; default 500 (30k), 100 at >= 500k items.
    rate: { type: "string", default: "" },
    // Profiling aid, no server: with --child, send N feed requests through app.fetch in-process and print
    // the CPU ms per request (add node's --cpu-prof to see where it goes; HTTP is left out on purpose).
    inproc: { type: "string", default: "" },
    "inproc-prof": { type: "string", default: "" },
    // Another database file (e.g. a copy in /tmp) instead of data/bench/serve-<items>/serve.db.
    db: { type: "string", default: "" },
    // Feed latency during training, same run (see besideLearner): quiet phases against phases in which
    // bench:learn retrains every model into this server's database; --runs rounds of both.
    "beside-learner": { type: "boolean", default: false },
    "learner-args": { type: "string", default: "--nice" },
    "quiet-seconds": { type: "string", default: "60" },
    // The server's selection/reload tick (LEARNER_INTERVAL_SECONDS) with --beside-learner; the training phase
    // goes on this long plus 10 s after the retrain, so the versions it registered are loaded inside it.
    "tick-seconds": { type: "string", default: "15" },
    // With --beside-learner: feed load, not measured, before the first round (the first ticks after start fold
    // what the event log holds: cold start, selection's catch-up; measured, they made the first quiet phase
    // the worst one, with 11-13 s stalls).
    "settle-seconds": { type: "string", default: "90" },
    // Log event-loop stalls of the server processes ([stall] lines; on with --beside-learner).
    stalls: { type: "boolean", default: false },
  },
});
const items = Number(values.items);
const CATS = 30;
const SESSIONS = 2000;
const DAY = 86_400_000;
const log = (m: string): void => console.error(`[bench:serve] ${m}`);
const pidOf = (i: number): string => `P${String(i).padStart(7, "0")}`;
const sessionOf = (s: number): string => `bench-${String(s).padStart(6, "0")}`;

/** Item i's category and position inside it: items of one category are contiguous. */
const catOf = (i: number): number => Math.floor((i * CATS) / items);
const firstOf = (c: number): number => Math.ceil((c * items) / CATS);
const sizeOf = (c: number): number => firstOf(c + 1) - firstOf(c);

/** A browsing sequence: one category, a walk with small steps (gives co-visitation real structure). */
function walk(rng: Rng, len: number): number[] {
  const c = rng.int(CATS);
  const n = sizeOf(c);
  let k = rng.int(n);
  const out: number[] = [];
  for (let j = 0; j < len; j++) {
    out.push(firstOf(c) + k);
    k = (k + 1 + rng.int(3)) % n;
  }
  return out;
}

async function prepareDb(db: Database, now: number): Promise<void> {
  const rng = new Rng(42);
  const client = db.$client;
  const chunk = async (rows: { sql: string; args: (string | number | null)[] }[]): Promise<void> => {
    for (let i = 0; i < rows.length; i += 5000) await client.batch(rows.slice(i, i + 5000), "write");
  };
  const products = [];
  const cats = [];
  for (let i = 0; i < items; i++) {
    const c = catOf(i);
    const path = `Electronics > Category ${c}`;
    products.push({
      sql: `INSERT INTO products (parent_asin, title, main_category, category_path, categories, price, average_rating, rating_number, created_at, updated_at, bought_together)
            VALUES (?, ?, 'Electronics', ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [
        pidOf(i),
        `Device ${i} of category ${c}`,
        path,
        JSON.stringify(["Electronics", `Category ${c}`]),
        10 + rng.int(900),
        3 + rng.next() * 2,
        rng.int(5000),
        now - rng.int(365) * DAY,
        now,
        i % 10 === 0 ? JSON.stringify([pidOf(firstOf(c) + ((i - firstOf(c) + 3) % sizeOf(c)))]) : null,
      ],
    });
    cats.push({
      sql: "INSERT INTO product_categories (path, product_id, depth) VALUES (?, ?, 2)",
      args: [path, i + 1],
    });
  }
  await chunk(products);
  await chunk(cats);
  const reviews: { sql: string; args: (string | number | null)[] }[] = [];
  const users = Math.round(items * 0.7);
  for (let u = 0; u < users; u++) {
    const seq = walk(rng, 6 + rng.int(5));
    const t0 = now - 300 * DAY + rng.int(290) * DAY;
    for (const [j, i] of seq.entries()) {
      reviews.push({
        sql: "INSERT OR IGNORE INTO reviews (user_id, parent_asin, rating, timestamp, helpful_vote) VALUES (?, ?, ?, ?, 0)",
        args: [`U${u}`, pidOf(i), 1 + rng.int(5), t0 + j * 3_600_000],
      });
    }
  }
  await chunk(reviews);
  // Sellers and listings: 5% of products listed, some sold.
  await client.execute({
    sql: "INSERT INTO user (id, name, email, created_at, updated_at) VALUES ('seller-1', 'Seller', 'seller@bench.test', ?, ?)",
    args: [now, now],
  });
  const listings = [];
  for (let i = 0; i < items; i += 20) {
    listings.push({
      sql: "INSERT INTO listings (id, seller_id, parent_asin, condition, price_minor, currency, status, created_at, updated_at) VALUES (?, 'seller-1', ?, 'good', ?, 'USD', ?, ?, ?)",
      args: [
        `L${i}`,
        pidOf(i),
        1000 + rng.int(50_000),
        i % 100 === 0 ? "sold" : "active",
        now - rng.int(30) * DAY,
        now,
      ],
    });
  }
  await chunk(listings);
  log(`generated ${items} products, ${reviews.length} reviews, ${listings.length} listings`);
}

/** 1M mode: models generated in memory (see header). */
function syntheticModels(now: number): ServingModels {
  const rng = new Rng(7);
  const rows: CatalogRow[] = [];
  for (let i = 0; i < items; i++)
    rows.push({
      id: pidOf(i),
      title: `Device ${i}`,
      categoryPath: `Electronics > Category ${catOf(i)}`,
      price: 10 + (i % 900),
      rating: 4,
      ratingCount: i % 5000,
      createdAt: now - (i % 365) * DAY,
      boughtTogether: null,
    });
  const catalog = new ItemCatalog(rows);
  const K = 20;
  const offsets = new Int32Array(items + 1);
  const ids = new Int32Array(items * K);
  const weights = new Float32Array(items * K);
  for (let i = 0; i < items; i++) {
    const c = catOf(i);
    for (let j = 0; j < K; j++) {
      ids[i * K + j] = firstOf(c) + ((i - firstOf(c) + 1 + j + rng.int(3)) % sizeOf(c));
      weights[i * K + j] = 1 / (1 + j);
    }
    offsets[i + 1] = (i + 1) * K;
  }
  const dim = 32;
  const centres = Float32Array.from({ length: CATS * dim }, () => rng.normal());
  const vec = new Float32Array(items * dim);
  for (let i = 0; i < items; i++)
    for (let f = 0; f < dim; f++) vec[i * dim + f] = centres[catOf(i) * dim + f] + 0.7 * rng.normal();
  const counts = Float64Array.from({ length: items }, () => (rng.next() < 0.05 ? rng.int(200) : 0));
  return {
    version: "synthetic",
    builtAt: now,
    catalog,
    covis: new CovisIndex({ offsets, ids, weights }, items),
    sknn: null,
    trending: new Trending(catalog, counts, now),
    popularity: Float32Array.from(counts, (c) => Math.log1p(c) / Math.log1p(200)),
    vectors: { version: "synthetic", dim, items: vec, context: vec, known: new Uint8Array(items).fill(1) },
    ranker: defaultRanker(),
    components: { generated: "1M synthetic" },
  };
}

const workers = values.workers === "auto" ? availableParallelism() : Number(values.workers);

/** The sessions every scenario reads: 2000 sessions of 5 views each (seeded once, into the serving store). */
function benchSessions(now: number): SessionAppend[] {
  const rng = new Rng(11);
  return Array.from({ length: SESSIONS }, (_, s) => ({
    sessionId: sessionOf(s),
    events: walk(rng, 5).map((i, j) => ({ itemId: pidOf(i), type: "view" as const, ts: now - 60_000 + j * 1000 })),
  }));
}

/**
 * The server child. One process (--workers 1, the in-process SessionStore) or a node:cluster primary with
 * --workers N: it does the one-time work (database, registry training, seeding the shared SessionStore,
 * libSQL as with WEB_CONCURRENCY > 1 in src/server/node.ts), then forks N workers that each load the
 * models and serve on the same port, as the Node server does.
 */
async function child(): Promise<void> {
  const dbPath = values.db || `data/bench/serve-${items}${values.synthetic ? "-synthetic" : ""}/serve.db`;
  const now = Number(process.env.BENCH_NOW ?? Date.now());
  const worker = cluster.isWorker;
  const fresh = !existsSync(dbPath);
  if (!worker && values.synthetic && !fresh) rmSync(dbPath);
  mkdirSync(dirname(dbPath), { recursive: true });
  const config = loadConfig({
    DATABASE_URL: `file:${dbPath}`,
    LOG_LEVEL: "warn",
    DEMO_DATA: "false",
    // scripts/bench/rss.ts measures a serving process with and without the learner thread.
    ...(process.env.LEARNER_THREAD ? { LEARNER_THREAD: process.env.LEARNER_THREAD } : {}),
    // The environment's LEARNER / LEARNER_INTERVAL_SECONDS (--beside-learner sets them: LEARNER=on, no thread).
    ...(process.env.LEARNER ? { LEARNER: process.env.LEARNER } : {}),
    ...(process.env.LEARNER_INTERVAL_SECONDS ? { LEARNER_INTERVAL_SECONDS: process.env.LEARNER_INTERVAL_SECONDS } : {}),
    ...(workers > 1 ? { SESSION_STORE: "libsql", WEB_CONCURRENCY: String(workers) } : {}),
  });
  const client = await createNodeLibsqlClient(config.DATABASE_URL);
  const db = createDatabase(client);
  if (!worker) {
    await runMigrations(db);
    if (!values.synthetic && fresh) await prepareDb(db, now);
    // Every run starts from the same state: no feed snapshots, sessions or impressions left by earlier runs
    // (a 6 x 8 s run leaves ~20k of each; kept, they would grow the file run after run).
    await db.$client.batch(
      [
        "DELETE FROM session_kv",
        "DELETE FROM session_lists",
        // bench:learn's logged pages (client ids s:imp-…) stay: its ranker trains on them.
        "DELETE FROM events WHERE type = 'impression' AND coalesce(client_event_id, '') NOT LIKE 's:imp-%'",
      ],
      "write",
    );
    await db.$client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  if (workers > 1 && cluster.isPrimary) return primary(config, db, now);
  const t0 = performance.now();
  // The Node runtime's deps without serving (auth, logger on stderr at LOG_LEVEL) under the serving ones built here.
  const base = buildNodeBaseDeps(config, db, createNodeLogger(config, 2));
  let serving: Pick<AppDeps, "events" | "sessions" | "vectors" | "recsys" | "payments">;
  if (values.synthetic) {
    // The same wiring as startNodeServing (hot SQL on the native connection), with generated models.
    const hot = nodeHotSql(config, db);
    const events = createDbEventLog(db, systemClock, timeOrderedId, hot.sql);
    const sessions = nodeSessionStore(config, db, systemClock, hot.sql);
    serving = {
      events,
      ...buildServingDeps({
        config,
        db,
        clock: systemClock,
        newId: timeOrderedId,
        logger: base.logger,
        events,
        sessions,
        sql: hot.sql,
      }),
    };
    const models = syntheticModels(now);
    // Session kNN fitted for real on generated sessions (the fit is cheap; its artifact would be ~50 MB).
    const rng = new Rng(9);
    const seqs = Array.from({ length: 200_000 }, (_, u) => {
      const w = walk(rng, 6);
      return { user: u, items: Int32Array.from(w), timestamps: Float64Array.from(w, (_, j) => now - DAY + j * 1000) };
    });
    const sk = new SessionKnnRecommender({ k: 100, sampleSize: 500 });
    await sk.fit({ numItems: items, numUsers: seqs.length, sequences: seqs, itemIds: models.catalog.ids }, { seed: 1 });
    models.sknn = new SessionKnnSource(sk, null);
    if (models.vectors) await publishVectors(serving.vectors, models.vectors, models.catalog, log);
    serving.recsys.install({ models, histories: new Map(), lastSeq: 0, registryVersions: {} });
  } else {
    // The Node server's own assembly (src/server/node.ts), its registry in this benchmark's database.
    // Cluster workers as src/server/node.ts runs them: online selection (and re-embedding) in slot 0 only.
    const slot0 = !worker || process.env.RECIRCUIT_WORKER_SLOT === "0";
    serving = (
      await buildNodeDeps(config, {
        db,
        logger: base.logger,
        trainMissing: !worker,
        ...(worker ? { selection: slot0, reembed: slot0 && config.LEARNER_THREAD === "on" } : {}),
      })
    ).deps;
  }
  const startupMs = Math.round(performance.now() - t0);
  const live = await serving.vectors.liveVersion();
  const stats =
    live && "indexStats" in serving.vectors ? await (serving.vectors as MemoryVectorIndex).indexStats(live) : null;
  const vectorIndex = stats
    ? { count: stats.count, mode: stats.mode, nlist: stats.nlist, nprobe: stats.nprobe, calibrated: stats.calibrated }
    : null;
  if (!worker) await serving.sessions.appendMany(benchSessions(now));
  const app = createApp({ objects: new MemoryObjectStorage(), ...base, ...serving });
  const port = Number(values.port);
  // Server CPU time (user + system) for the parent to divide by requests served: on a shared, loaded
  // machine, CPU ms per request is a steadier figure than latency.
  // And where its memory goes (scripts/bench/rss.ts): process.memoryUsage, the serving models' components,
  // the SQLite page cache settings of its connections.
  const memory = async (): Promise<Response> => {
    const pragma = async (name: string): Promise<number> =>
      Number(Object.values((await db.$client.execute(`PRAGMA ${name}`)).rows[0] ?? {})[0]);
    return Response.json({
      pid: process.pid,
      worker,
      process: processMemory(),
      models: serving.recsys.ready ? componentFootprints(serving.recsys.models) : null,
      sqlite: { clientCacheSize: await pragma("cache_size"), pageSize: await pragma("page_size") },
    });
  };
  const fetchWithCpu = (req: Request): Response | Promise<Response> => {
    const path = new URL(req.url).pathname;
    if (path === "/__bench/cpu") return Response.json(process.cpuUsage());
    if (path === "/__bench/memory") return memory();
    return app.fetch(req);
  };
  if (values.inproc) {
    const n = Number(values.inproc);
    const paths = Array.from({ length: SESSIONS }, (_, s) => `http://bench.local/v1/feed?session_id=${sessionOf(s)}`);
    // Profile only the last round (after JIT warm-up, no start-up work) when --cpu-prof-inproc is given.
    const { Session } = await import("node:inspector/promises");
    const inspector = values["inproc-prof"] ? new Session() : null;
    for (let r = 0; r < 3; r++) {
      if (r === 2 && inspector) {
        inspector.connect();
        await inspector.post("Profiler.enable");
        await inspector.post("Profiler.start");
      }
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const res = await app.fetch(new Request(paths[i % paths.length]));
        if (res.status !== 200) throw new Error(`feed answered ${res.status}`);
        await res.arrayBuffer();
      }
      const c = process.cpuUsage(c0);
      log(
        `in-process feed: ${((performance.now() - t0) / n).toFixed(3)} ms wall, ${((c.user + c.system) / 1000 / n).toFixed(3)} ms CPU per request (${n} requests)`,
      );
    }
    if (inspector) {
      const { profile } = await inspector.post("Profiler.stop");
      writeFileSync(values["inproc-prof"] as string, JSON.stringify(profile));
      log(`profile of the last round: ${values["inproc-prof"]}`);
    }
    process.exit(0);
  }
  if (values.stalls || values["beside-learner"]) watchStalls();
  process.once("SIGTERM", () => process.exit(0)); // a normal exit writes the --cpu-prof profile
  serve({ fetch: fetchWithCpu, hostname: "127.0.0.1", port }, () => {
    const ready = { startupMs, rssMb: Math.round(process.memoryUsage().rss / 1e6), vectorIndex };
    if (worker) process.send?.({ ready });
    else console.log(`READY ${JSON.stringify(ready)}`);
  });
}

/**
 * Event-loop stalls of this server process, as `[stall]` lines on stderr (the parent attributes them to its
 * phases): a 10 ms timer that fires more than 40 ms late means requests waited that long behind something.
 */
function watchStalls(): void {
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const late = now - last - 10;
    last = now;
    if (late > 40) console.error(`[stall] pid ${process.pid} ${Math.round(late)} ms at ${Date.now()}`);
  }, 10).unref();
}

/** Cluster primary: one-time work, then N serving workers on one port; READY once all of them listen. */
async function primary(config: Config, db: Database, now: number): Promise<void> {
  const t0 = performance.now();
  const events = createDbEventLog(db, systemClock, timeOrderedId);
  const registry = new LibsqlArtifactRegistry(db.$client, { now: systemClock });
  const deps = buildServingDeps({
    ...buildCliDeps(config, db),
    newId: timeOrderedId,
    events,
    registry,
  });
  // Train and register missing models once, so workers only load them (two trainers would race).
  if (!values.synthetic) await deps.recsys.start(db, { trainMissing: true });
  await deps.sessions.appendMany(benchSessions(now));
  log(`primary: one-time work ${Math.round(performance.now() - t0)} ms; forking ${workers} workers`);
  cluster.setupPrimary({ exec: process.argv[1], args: process.argv.slice(2), execArgv: process.execArgv });
  const readies: { startupMs: number; rssMb: number; vectorIndex: unknown }[] = [];
  let stopping = false;
  for (let w = 0; w < workers; w++) {
    const child = cluster.fork({ BENCH_NOW: String(now), RECIRCUIT_WORKER_SLOT: String(w) });
    child.on("message", (m: { ready?: (typeof readies)[number] }) => {
      if (!m.ready) return;
      readies.push(m.ready);
      if (readies.length === workers) {
        const total = {
          startupMs: Math.max(...readies.map((r) => r.startupMs)),
          rssMb: readies.reduce((a, r) => a + r.rssMb, Math.round(process.memoryUsage().rss / 1e6)),
          vectorIndex: readies[0].vectorIndex,
          workers,
        };
        console.log(`READY ${JSON.stringify(total)}`);
      }
    });
    child.once("exit", (code) => {
      if (!stopping) {
        log(`worker exited with ${code}`);
        process.exit(1);
      }
    });
  }
  process.once("SIGTERM", () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
    setTimeout(() => process.exit(0), 2000).unref();
    cluster.on("exit", () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  });
}

/** User + system CPU ms of a process and all its descendants, from /proc/<pid>/stat (clock ticks of 10 ms). */
function treeCpuMs(root: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const raw = readFileSync(`/proc/${name}/stat`, "utf8");
      const f = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
      // After "pid (comm) ": state ppid ... utime is field 14, stime 15 (1-based in proc(5)); here index 11, 12.
      stats.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // the process ended while listing
    }
  }
  let ms = 0;
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop() as number;
    ms += (stats.get(pid)?.ticks ?? 0) * 10;
    for (const [p, st] of stats) if (st.ppid === pid) todo.push(p);
  }
  return ms;
}

async function parent(): Promise<void> {
  if (workers > 1 && !existsSync("/proc/self/stat"))
    throw new Error("--workers > 1 measures server CPU from /proc (Linux only)");
  const port = await freePort();
  const args = [
    ...(values.profile ? ["--cpu-prof", "--cpu-prof-dir", "bench-out/prof"] : []),
    "--import",
    "tsx",
    "scripts/bench/serve.ts",
    "--child",
    "--items",
    String(items),
    "--port",
    String(port),
    "--workers",
    String(workers),
    ...(values.synthetic ? ["--synthetic"] : []),
    ...(values.db ? ["--db", values.db] : []),
    ...(values.stalls || values["beside-learner"] ? ["--stalls"] : []),
  ];
  log(`starting server: node ${args.join(" ")}`);
  // --beside-learner: the server serves, selects and reloads what the learner registers (LEARNER=on), and the
  // learner is bench:learn's process (no learner thread in the server, as with LEARNER_THREAD=off + `npm run learn`).
  const env = values["beside-learner"]
    ? {
        ...process.env,
        LEARNER: "on",
        LEARNER_THREAD: "off",
        LEARNER_INTERVAL_SECONDS: values["tick-seconds"],
      }
    : process.env;
  const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env });
  // The server's stderr, forwarded; its [stall] lines are also counted for the phase they fall in.
  const stallsSeen: { at: number; ms: number }[] = [];
  let errBuf = "";
  proc.stderr.on("data", (d: Buffer) => {
    process.stderr.write(d);
    errBuf += d.toString();
    const lines = errBuf.split("\n");
    errBuf = lines.pop() ?? "";
    for (const line of lines) {
      const m = /\[stall\] pid \d+ (\d+) ms at (\d+)/.exec(line);
      if (m) stallsSeen.push({ ms: Number(m[1]), at: Number(m[2]) });
    }
  });
  const ready = await new Promise<{ startupMs: number; rssMb: number; vectorIndex: unknown }>((resolve, reject) => {
    let buf = "";
    proc.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      const m = /READY (\{.*\})/.exec(buf);
      if (m) resolve(JSON.parse(m[1]) as { startupMs: number; rssMb: number; vectorIndex: unknown });
    });
    proc.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  log(`server ready: ${JSON.stringify(ready)}`);
  const loadStart = loadavg().map((x) => Math.round(x * 100) / 100);
  const url = `http://127.0.0.1:${port}`;
  const sess = Array.from({ length: SESSIONS }, (_, s) => sessionOf(s));
  const products = Array.from({ length: 500 }, (_, j) => pidOf(Math.floor((j * items) / 500) + 1));
  const scenarios: { name: string; paths: string[] }[] = [
    { name: "healthz (baseline)", paths: ["/healthz"] },
    { name: "session recommendations", paths: sess.map((s) => `/v1/recommendations/session?session_id=${s}`) },
    {
      name: "product recommendations",
      paths: sess.map((s, j) => `/v1/products/${products[j % products.length]}/recommendations?session_id=${s}`),
    },
    { name: "home feed (first page)", paths: sess.map((s) => `/v1/feed?session_id=${s}`) },
  ];
  const only = values.only ? values.only.split(",") : null;
  if (only)
    scenarios.splice(
      0,
      scenarios.length,
      ...scenarios.filter((s, j) => j === 0 || only.some((o) => s.name.startsWith(o) || s.name.includes(o))),
    );
  // Server CPU: with several workers, the sum over the server's process tree from /proc (Linux);
  // a single process reports its own process.cpuUsage().
  const cpuMs = async (): Promise<number> => {
    if (workers > 1) return treeCpuMs(proc.pid as number);
    const u = (await (await fetch(`${url}/__bench/cpu`)).json()) as { user: number; system: number };
    return (u.user + u.system) / 1000;
  };
  const rate = Number(values.rate || (items >= 500_000 ? 100 : 500));
  const duration = Number(values.duration);
  if (values["beside-learner"]) {
    const feed = scenarios.find((s) => s.name.startsWith("home feed"));
    if (!feed) throw new Error("--beside-learner measures the feed: drop --only or include feed");
    await runLoad({ name: feed.name, url, paths: feed.paths, connections: 4, durationSec: 2 });
    await besideLearner({ url, paths: feed.paths, rate, windowSec: duration, stalls: stallsSeen, ready });
    proc.kill("SIGTERM");
    return;
  }
  const cpuPerReq: Record<string, number[]> = {};
  const pacedCpu: Record<string, number[]> = {};
  // Warm-up (JIT, caches), not recorded.
  for (const s of scenarios) await runLoad({ name: s.name, url, paths: s.paths, connections: 4, durationSec: 2 });
  const results: Record<string, LoadResult[]> = {};
  const paced: Record<string, PacedResult[]> = {};
  for (let r = 0; r < Number(values.runs); r++) {
    for (const s of scenarios) {
      let cpu0 = await cpuMs();
      const res = await runLoad({
        name: s.name,
        url,
        paths: s.paths,
        connections: Number(values.connections),
        durationSec: duration,
      });
      const perReq = ((await cpuMs()) - cpu0) / Math.max(1, res.completed);
      (cpuPerReq[s.name] ??= []).push(perReq);
      (results[s.name] ??= []).push(res);
      log(
        `run ${r + 1}: ${s.name}: saturated (${values.connections} connections): p50 ${res.p50} ms, p99 ${res.p99} ms, ${Math.round(res.rps)} req/s, server CPU ${perReq.toFixed(2)} ms/req, errors ${res.errors}, non2xx ${res.non2xx}`,
      );
      cpu0 = await cpuMs();
      const pr = await runPaced({ name: s.name, url, paths: s.paths, rate, durationSec: duration });
      const pacedPerReq = ((await cpuMs()) - cpu0) / Math.max(1, pr.completed);
      (pacedCpu[s.name] ??= []).push(pacedPerReq);
      (paced[s.name] ??= []).push(pr);
      log(
        `run ${r + 1}: ${s.name}: fixed rate ${rate}/s: achieved ${pr.achieved}/s, p50 ${pr.p50} ms, p90 ${pr.p90} ms, p99 ${pr.p99} ms, server CPU ${pacedPerReq.toFixed(2)} ms/req, load generator CPU ${pr.clientCpuMsPerReq.toFixed(2)} ms/req, errors ${pr.errors}, non2xx ${pr.non2xx}`,
      );
    }
  }
  const sample = await (await fetch(`${url}/v1/feed?session_id=${sess[1]}`)).json();
  proc.kill("SIGTERM");
  const r2 = (x: number): number => Math.round(x * 100) / 100;
  const summary = Object.fromEntries(
    Object.entries(results).map(([name, rs]) => {
      const ps = paced[name] ?? [];
      return [
        name,
        {
          saturated: {
            p50: r2(median(rs.map((r) => r.p50))),
            p99: r2(median(rs.map((r) => r.p99))),
            rps: Math.round(median(rs.map((r) => r.rps))),
            cpuMsPerReq: r2(median(cpuPerReq[name] ?? [0])),
            errors: rs.reduce((a, r) => a + r.errors + r.non2xx, 0),
          },
          fixedRate: {
            offered: rate,
            achieved: r2(median(ps.map((p) => p.achieved))),
            p50: r2(median(ps.map((p) => p.p50))),
            p90: r2(median(ps.map((p) => p.p90))),
            p99: r2(median(ps.map((p) => p.p99))),
            cpuMsPerReq: r2(median(pacedCpu[name] ?? [0])),
            clientCpuMsPerReq: r2(median(ps.map((p) => p.clientCpuMsPerReq))),
            errors: ps.reduce((a, p) => a + p.errors + p.non2xx, 0),
          },
          rpsVsHealthz: 0,
        },
      ];
    }),
  );
  const base = summary["healthz (baseline)"];
  for (const v of Object.values(summary))
    v.rpsVsHealthz = base ? Math.round((v.saturated.rps / base.saturated.rps) * 1000) / 1000 : 0;
  // Targets (issue 5). A fixed-rate p99 counts only if the server kept up: achieved >= 98 % of offered, no errors.
  const kept = (f: { offered: number; achieved: number; errors: number }): boolean =>
    f.achieved >= 0.98 * f.offered && f.errors === 0;
  const targets: { scenario: string; target: string; met: boolean }[] = [];
  const t = (scenario: string, target: string, met: (v: (typeof summary)[string]) => boolean): void => {
    const v = summary[scenario];
    if (v) targets.push({ scenario, target, met: met(v) });
  };
  if (items < 500_000) {
    t("session recommendations", `p99 <= 10 ms at ${rate} req/s`, (v) => kept(v.fixedRate) && v.fixedRate.p99 <= 10);
    t("home feed (first page)", `p99 <= 30 ms at ${rate} req/s`, (v) => kept(v.fixedRate) && v.fixedRate.p99 <= 30);
    t("home feed (first page)", ">= 500 req/s (saturated)", (v) => v.saturated.rps >= 500);
  } else {
    t("home feed (first page)", `p99 <= 60 ms at ${rate} req/s`, (v) => kept(v.fixedRate) && v.fixedRate.p99 <= 60);
  }
  const loadEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  const report = {
    items,
    synthetic: values.synthetic,
    workers,
    loadavg: { start: loadStart, end: loadEnd },
    runs: Number(values.runs),
    durationSec: duration,
    connections: Number(values.connections),
    rate,
    server: ready,
    summary,
    targets,
    sampleFeed: {
      degraded: (sample as { degraded: boolean }).degraded,
      sources: (sample as { sources: unknown }).sources,
    },
  };
  console.log(JSON.stringify(report, null, 2));
  // The table for docs/benchmarks/serving.md.
  const lines = [
    `${items} items${values.synthetic ? " (synthetic)" : ""}, ${workers} server process${workers > 1 ? "es (cluster, libSQL SessionStore)" : " (in-process SessionStore)"}, median of ${values.runs} x ${duration} s, load ${loadStart.join(" ")} -> ${loadEnd.join(" ")}`,
    `| scenario | saturated (${values.connections} conn): p50 / p99 ms / req/s / CPU ms per req / x healthz | fixed ${rate} req/s: achieved / p50 / p90 / p99 ms / CPU ms per req (server, load generator) |`,
    "|---|---|---|",
    ...Object.entries(summary).map(
      ([name, v]) =>
        `| ${name} | ${v.saturated.p50} / ${v.saturated.p99} / ${v.saturated.rps} / ${v.saturated.cpuMsPerReq} / ${v.rpsVsHealthz} | ${v.fixedRate.achieved} / ${v.fixedRate.p50} / ${v.fixedRate.p90} / ${v.fixedRate.p99} / ${v.fixedRate.cpuMsPerReq}, ${v.fixedRate.clientCpuMsPerReq} |`,
    ),
    "",
    ...targets.map((x) => `- ${x.scenario}: ${x.target}: ${x.met ? "met" : "NOT met"}`),
  ];
  console.error(lines.join("\n"));
  const out = values.out || `bench-out/serve-${items}${values.synthetic ? "-synthetic" : ""}.json`;
  mkdirSync("bench-out", { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2));
}

/** Latency percentiles (ms) of pooled samples. */
function pooled(samples: number[]): { n: number; p50: number; p90: number; p99: number; max: number } {
  const v = [...samples].sort((a, b) => a - b);
  const q = (p: number): number =>
    v.length === 0 ? Number.NaN : Math.round(v[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)] * 10) / 10;
  return { n: v.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1) };
}

/**
 * Feed latency with and without training, in one run against one server: each of --runs rounds measures
 * the feed at --rate in back-to-back windows of --duration s, first for --quiet-seconds with no learner
 * (quiet), then while `bench:learn --once <learner-args>` runs a full retrain into this server's database
 * and for tick + 10 s after it (training: the server selects among and reloads the versions it registered
 * within that time). Every request of a phase is pooled; the ratio is training p99 / quiet p99 per round.
 * Windows while the learner starts (before "training: start") and a cool-down of tick + 5 s after each
 * training phase are not measured. Load average and the server's event-loop stalls are given per phase.
 */
async function besideLearner(o: {
  url: string;
  paths: string[];
  rate: number;
  windowSec: number;
  stalls: { at: number; ms: number }[];
  ready: unknown;
}): Promise<void> {
  const tick = Number(values["tick-seconds"]);
  const load = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);
  const window = async (): Promise<PacedResult> =>
    runPaced({ name: "feed", url: o.url, paths: o.paths, rate: o.rate, durationSec: o.windowSec, keepSamples: true });
  const summarize = (ws: PacedResult[], from: number, to: number, loads: number[][]) => {
    const st = o.stalls.filter((x) => x.at >= from && x.at <= to);
    return {
      ...pooled(ws.flatMap((w) => w.samples ?? [])),
      achieved: r1(median(ws.map((w) => w.achieved))),
      errors: ws.reduce((a, w) => a + w.errors + w.non2xx, 0),
      windowP99: ws.map((w) => w.p99),
      seconds: Math.round((to - from) / 1000),
      loadavg: loads,
      stalls: {
        count: st.length,
        over100ms: st.filter((x) => x.ms > 100).length,
        maxMs: Math.max(0, ...st.map((x) => x.ms)),
      },
    };
  };
  const r1 = (x: number): number => Math.round(x * 10) / 10;
  const rounds: Record<string, unknown>[] = [];
  const settleUntil = Date.now() + Number(values["settle-seconds"]) * 1000;
  while (Date.now() < settleUntil) await window();
  log(`settled (${values["settle-seconds"]} s of feed load, not measured); stalls so far: ${o.stalls.length}`);
  for (let r = 0; r < Number(values.runs); r++) {
    // Quiet.
    const q0 = Date.now();
    const qLoads = [load()];
    const quiet: PacedResult[] = [];
    while (Date.now() - q0 < Number(values["quiet-seconds"]) * 1000) quiet.push(await window());
    const q1 = Date.now();
    qLoads.push(load());
    const qs = summarize(quiet, q0, q1, qLoads);
    log(
      `round ${r + 1}: quiet: p50 ${qs.p50} p90 ${qs.p90} p99 ${qs.p99} ms (${qs.n} requests, load ${qLoads.map((l) => l[0]).join(" -> ")}, stalls ${JSON.stringify(qs.stalls)})`,
    );

    // Training: bench:learn into this database.
    const learnerArgs = [
      "--import",
      "tsx",
      "scripts/bench/learn.ts",
      "--db",
      values.db || `data/bench/serve-${items}/serve.db`,
      "--once",
      ...values["learner-args"].split(" ").filter(Boolean),
    ];
    log(`round ${r + 1}: starting the learner: node ${learnerArgs.join(" ")}`);
    const learner = spawn(process.execPath, learnerArgs, { stdio: ["ignore", "pipe", "pipe"] });
    let started = false;
    let finishedAt = 0;
    let out = "";
    const learnerLines: string[] = [];
    learner.stdout.on("data", (d: Buffer) => (out += d.toString()));
    learner.stderr.on("data", (d: Buffer) => {
      for (const line of d.toString().split("\n").filter(Boolean)) {
        learnerLines.push(line);
        if (line.includes("training: start")) started = true;
        if (line.includes("training: done")) finishedAt = Date.now();
        if (/full retrain 1:|threads \(nice|every thread|training at nice|registered/.test(line))
          log(`  learner: ${line}`);
      }
    });
    const exited = new Promise<number | null>((resolve) => learner.once("exit", (code) => resolve(code)));
    let code: number | null | undefined;
    void exited.then((c) => (code = c));
    while (!started && code === undefined) await new Promise((res) => setTimeout(res, 200));
    if (!started) throw new Error(`learner exited (${code}) before training:\n${learnerLines.slice(-20).join("\n")}`);
    const t0 = Date.now();
    const tLoads = [load()];
    const training: PacedResult[] = [];
    while (finishedAt === 0 || Date.now() - finishedAt < (tick + 10) * 1000) {
      if (code !== undefined && finishedAt === 0)
        throw new Error(`learner exited (${code}) while training:\n${learnerLines.slice(-20).join("\n")}`);
      training.push(await window());
      tLoads.push(load());
    }
    const t1 = Date.now();
    await exited;
    const ts = summarize(training, t0, t1, tLoads);
    let retrain: unknown = null;
    try {
      retrain = (JSON.parse(out) as { fullRetrainSeconds: unknown }).fullRetrainSeconds;
    } catch {
      retrain = out.slice(-500);
    }
    const ratio = Math.round((ts.p99 / qs.p99) * 100) / 100;
    log(
      `round ${r + 1}: training: p50 ${ts.p50} p90 ${ts.p90} p99 ${ts.p99} ms (${ts.n} requests, load ${tLoads.map((l) => l[0]).join(" ")}, stalls ${JSON.stringify(ts.stalls)}); p99 ratio ${ratio}; retrain ${JSON.stringify(retrain)}`,
    );
    rounds.push({ quiet: qs, training: ts, p99Ratio: ratio, retrain });
    // Cool-down: the next tick may still act on this retrain's versions.
    await new Promise((res) => setTimeout(res, (tick + 5) * 1000));
  }
  const ratios = rounds.map((x) => x.p99Ratio as number);
  const report = {
    scenario: "home feed (first page) beside a full retrain",
    items,
    workers,
    rate: o.rate,
    windowSec: o.windowSec,
    tickSeconds: tick,
    learnerArgs: values["learner-args"],
    server: o.ready,
    rounds,
    p99RatioMedian: median(ratios),
    target: "feed p99 during training <= 1.2 x without (issue 14)",
    met: median(ratios) <= 1.2,
  };
  console.log(JSON.stringify(report, null, 2));
  const outFile = values.out || `bench-out/serve-beside-learner-${items}.json`;
  mkdirSync("bench-out", { recursive: true });
  writeFileSync(outFile, JSON.stringify(report, null, 2));
  log(`p99 ratio (training / quiet) per round: ${ratios.join(", ")}; median ${median(ratios)}`);
}

(values.child ? child() : parent()).catch((err) => {
  console.error(err);
  process.exit(1);
});
