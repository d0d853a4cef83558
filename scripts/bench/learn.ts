/**
 * `npm run bench:learn [-- --items 30000 --events 1000000 --runs 3 --incremental-events 2000]`
 *
 * Learner timings on a libSQL file: a full retrain of every serving model (popularity, co-visitation,
 * session kNN, FISM-BPR embeddings, the feed ranker from logged impressions; reading the catalog, reviews and
 * the event log, holdout twins and window evaluation included, versions registered with their metrics), the
 * median of --runs; then the incremental cycle the Node learner thread runs every minute (--incremental-events
 * new events, interaction cache kept as the thread keeps it), the median of --runs.
 *
 * Data: the demo catalog generator (`npm run generate`'s, --items products with reviews), then --events
 * interaction events (sessions browsing along a category, 70% views, 15% clicks, 7% carts, 5% favourites,
 * 3% purchases, over 30 days) and 20,000 logged feed pages with ranker features whose clicks follow a
 * hidden preference and a 1/(1+position) examination bias. Cached under data/bench/learn-<items>/.
 *
 * `--db <file>`: use another database (e.g. bench:serve's data/bench/serve-30000/serve.db: its products get
 * the events). `--loop`: after seeding, run full retrains back to back until interrupted: run it next to
 * `npm run bench:serve -- --items 30000 --only feed` to measure feed latency during training (the two
 * processes share the 2 cores as the server and its learner thread do); `--nice` trains at nice 19 as the
 * server's learner thread does (that thread only: its V8 GC helper and libuv threads stay at nice 0, as the
 * server's do); `--nice-all` lowers every thread of this process instead (a process that only trains, as
 * `npm run learn`). The threads' nice values and CPU time are printed at the end.
 * `--once`: one full retrain, no incremental cycles (`npm run bench:serve -- --beside-learner` starts it so).
 * Don't run other benchmarks meanwhile.
 */
import { existsSync, mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { Rng } from "../../ml/core/rng";
import { timeOrderedId } from "../../src/context";
import { createNodeLibsqlClient } from "../../src/db/client.node.js";
import { createDatabase, type Database } from "../../src/db/database";
import { runMigrations } from "../../src/db/migrate.node.js";
import { ensureDemoData } from "../../src/demo/ensure-demo.node.js";
import { encodeFeatures } from "../../src/recsys/feed/feature-codec";
import { FEATURES, NUM_FEATURES } from "../../src/recsys/feed/features";
import { runLearnerCycle, type LearnerCache, type LearnerDeps } from "../../src/recsys/learner/cycle";
import {
  lowerProcessPriority,
  lowerThreadPriority,
  threadPriorities,
} from "../../src/recsys/learner/thread-priority.node.js";
import { LibsqlArtifactRegistry } from "../../src/adapters/model-registry/libsql";
import { createDbEventLog } from "../../src/adapters/event-log/libsql";

const { values } = parseArgs({
  options: {
    items: { type: "string", default: "30000" },
    events: { type: "string", default: "1000000" },
    pages: { type: "string", default: "20000" },
    runs: { type: "string", default: "3" },
    "incremental-events": { type: "string", default: "2000" },
    db: { type: "string" },
    loop: { type: "boolean", default: false },
    // As the server's learner thread runs (nice 19, learner/thread-priority.node.ts): for --loop beside bench:serve.
    nice: { type: "boolean", default: false },
    "nice-all": { type: "boolean", default: false },
    once: { type: "boolean", default: false },
  },
});
const items = Number(values.items);
const targetEvents = Number(values.events);
const pages = Number(values.pages);
const runs = Number(values.runs);
const DAY = 86_400_000;
const t0 = performance.now();
const say = (m: string): void => console.error(`[bench:learn ${((performance.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function products(db: Database): Promise<string[]> {
  // Catalog order by category, so a walk over neighbours stays in one category (co-visitation structure).
  const res = await db.$client.execute("SELECT parent_asin FROM products ORDER BY category_path, id");
  return res.rows.map((r) => String(r.parent_asin));
}

async function count(db: Database, where: string): Promise<number> {
  return Number((await db.$client.execute(`SELECT count(*) AS n FROM events WHERE ${where}`)).rows[0].n);
}

/** Multi-row INSERTs in write transactions: ~1M rows in well under a minute. */
async function insertEvents(db: Database, rows: (string | number | null)[][]): Promise<void> {
  const per = 400;
  const stmts = [];
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    stmts.push({
      sql: `INSERT INTO events (id, user_id, anon_id, parent_asin, listing_id, type, ts, context, client_event_id) VALUES ${chunk.map(() => "(?, NULL, ?, ?, NULL, ?, ?, ?, ?)").join(",")}`,
      args: chunk.flat(),
    });
  }
  for (let i = 0; i < stmts.length; i += 25) await db.$client.batch(stmts.slice(i, i + 25), "write");
}

const TYPES: [string, number][] = [
  ["view", 0.7],
  ["click", 0.85],
  ["cart_add", 0.92],
  ["favorite", 0.97],
  ["purchase", 1],
];

/** `n` interaction events of sessions walking along the catalog, ending at `end`. */
function sessionEvents(ids: string[], n: number, rng: Rng, end: number, tag: string): (string | number | null)[][] {
  const rows: (string | number | null)[][] = [];
  let s = 0;
  while (rows.length < n) {
    const len = 4 + rng.int(13);
    let k = rng.int(ids.length);
    let ts = end - rng.next() * 30 * DAY;
    const session = `${tag}-${s++}`;
    for (let j = 0; j < len && rows.length < n; j++) {
      const u = rng.next();
      const type = (TYPES.find(([, p]) => u < p) ?? TYPES[0])[0];
      const id = `${tag}-${rows.length}`;
      rows.push([id, session, ids[k], type, Math.round(ts), null, `s:${session}:${id}`]);
      k = (k + 1 + rng.int(3)) % ids.length;
      ts += 20_000 + rng.int(120_000);
    }
  }
  return rows;
}

/**
 * Logged feed pages with ranker features: a hidden linear preference over three features decides relevance,
 * examination falls as 1/(1+position); the clicks are logged as click events 10 s after their impression.
 */
function impressionPages(ids: string[], n: number, rng: Rng, end: number): (string | number | null)[][] {
  const rows: (string | number | null)[][] = [];
  const fa = FEATURES.indexOf("covisitation.score");
  const fb = FEATURES.indexOf("popularity");
  const fc = FEATURES.indexOf("vector.score");
  for (let p = 0; p < n; p++) {
    const session = `imp-${p}`;
    const ts = Math.round(end - rng.next() * 7 * DAY);
    const page: string[] = [];
    const feats: string[] = [];
    const clicks: string[] = [];
    for (let k = 0; k < 20; k++) {
      const item = ids[rng.int(ids.length)];
      const x = new Float32Array(NUM_FEATURES);
      for (let f = 0; f < NUM_FEATURES; f++) x[f] = rng.next() < 0.3 ? rng.next() : 0;
      const relevance = 1 / (1 + Math.exp(-(3 * x[fa] + 2 * x[fc] - x[fb] - 1.5)));
      page.push(item);
      feats.push(encodeFeatures(x));
      if (rng.next() < relevance / (1 + k)) clicks.push(item);
    }
    const id = `imp-${p}`;
    const context = {
      surface: "home_feed",
      snapshotId: id,
      modelVersion: "bench",
      offset: 0,
      items: page,
      ranker: "bench",
      features: feats,
    };
    rows.push([id, session, null, "impression", ts, JSON.stringify(context), `s:${session}:${id}`]);
    clicks.forEach((item, j) => {
      rows.push([`${id}-c${j}`, session, item, "click", ts + 10_000 + j, null, `s:${session}:${id}-c${j}`]);
    });
  }
  return rows;
}

async function main(): Promise<void> {
  const path = values.db ?? `data/bench/learn-${items}/learn.db`;
  mkdirSync(dirname(path), { recursive: true });
  const fresh = !existsSync(path);
  const client = await createNodeLibsqlClient(`file:${path}`);
  const db = createDatabase(client);
  await runMigrations(db);
  const end = Date.UTC(2026, 10, 30);
  if (fresh || (await db.$client.execute("SELECT count(*) AS n FROM products")).rows[0].n === 0) {
    say(`generating and ingesting the demo catalog (${items} items)`);
    const r = await ensureDemoData(db, {
      dir: `${dirname(path)}/demo`,
      items,
      users: Math.round(items / 3),
      ratingsPerUser: 8,
      seed: 42,
      log: say,
    });
    say(`catalog: ${JSON.stringify({ status: r.status, ...(r.status === "loaded" ? { ratings: r.ratings } : {}) })}`);
  }
  const ids = await products(db);
  const rng = new Rng(7);
  const logged = await count(db, "type = 'impression' AND client_event_id LIKE 's:imp-%'");
  if (logged < pages) {
    say(`logging ${pages - logged} feed pages with features and their clicks`);
    await insertEvents(db, impressionPages(ids, pages - logged, rng, end));
  }
  const have = await count(db, "type <> 'impression'");
  if (have < targetEvents) {
    say(`inserting ${targetEvents - have} interaction events (${have} present)`);
    const rows = sessionEvents(ids, targetEvents - have, rng, end, `b${have}`);
    for (let i = 0; i < rows.length; i += 100_000) {
      await insertEvents(db, rows.slice(i, i + 100_000));
      say(`  ${Math.min(rows.length, i + 100_000)} / ${rows.length}`);
    }
  }
  const stats = {
    products: ids.length,
    reviews: Number((await db.$client.execute("SELECT count(*) AS n FROM reviews")).rows[0].n),
    interactionEvents: await count(db, "type <> 'impression'"),
    impressionPages: await count(db, "type = 'impression'"),
  };
  say(`data: ${JSON.stringify(stats)}`);
  const now = (): number => end + DAY;
  const registry = new LibsqlArtifactRegistry(client, { now });
  const events = createDbEventLog(db, now, timeOrderedId);
  const deps = (cache: LearnerCache): LearnerDeps => ({
    db,
    events,
    registry,
    now,
    cache,
    log: (msg, fields) => say(`${msg} ${JSON.stringify(fields ?? {})}`),
  });
  const progress = (m: string): void => say(`  ${m}`);

  // CPU seconds (user + system) of this process next to wall time: the learner is single-threaded, so on an
  // idle machine its wall time is its CPU time; on a shared one (8 engineers' jobs on 2 cores) wall time is
  // mostly waiting for a core, and CPU time is the steadier figure.
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const fullCpuMs: number[] = [];
  const incCpuMs: number[] = [];
  const fullMs: number[] = [];
  const perModel: Record<string, number[]> = {};
  let cache: LearnerCache = {};
  if (values["nice-all"]) {
    const threads = lowerProcessPriority();
    say(`every thread at low priority: ${threads.map((t) => `${t.name}=${t.nice}`).join(", ") || "no /proc"}`);
  } else if (values.nice) {
    const niced = lowerThreadPriority();
    say(niced.applied ? "training at nice 19, as the server's learner thread" : `priority unchanged: ${niced.reason}`);
  }
  const fullRuns = values.once ? 1 : runs;
  say("training: start");
  for (let r = 0; values.loop || r < fullRuns; r++) {
    cache = {};
    say(`full retrain ${r + 1}${values.loop ? "" : `/${runs}`}`);
    const t = performance.now();
    const c = cpu();
    const report = await runLearnerCycle(deps(cache), { mode: "full", rankerMinImpressions: 1, onProgress: progress });
    fullMs.push(performance.now() - t);
    fullCpuMs.push(cpu() - c);
    if (report.failed) throw new Error(`full retrain failed: ${JSON.stringify(report.models)}`);
    for (const m of report.models) (perModel[m.model] ??= []).push(m.ms);
    say(`full retrain ${r + 1}: ${(fullMs[r] / 1000).toFixed(1)} s wall, ${(fullCpuMs[r] / 1000).toFixed(1)} s CPU`);
  }

  say("training: done");
  // Where the CPU went, per thread, with the priority each ran at (GC helpers are not the learner's thread).
  const threads = threadPriorities();
  say(
    `threads (nice, CPU s): ${threads
      .filter((t) => t.cpuMs > 0)
      .map((t) => `${t.name}[${t.tid}] ${t.nice} ${(t.cpuMs / 1000).toFixed(1)}`)
      .join("; ")}`,
  );
  const incMs: number[] = [];
  const incN = Number(values["incremental-events"]);
  for (let r = 0; r < (values.once ? 0 : runs); r++) {
    await insertEvents(db, sessionEvents(ids, incN, rng, now(), `inc${Date.now()}-${r}`));
    const t = performance.now();
    const c = cpu();
    const report = await runLearnerCycle(deps(cache), { rankerMinImpressions: 1e9, onProgress: progress });
    incMs.push(performance.now() - t);
    incCpuMs.push(cpu() - c);
    if (report.mode !== "incremental" || report.failed)
      throw new Error(`expected an incremental cycle: ${report.mode} ${JSON.stringify(report.models)}`);
    say(
      `incremental cycle ${r + 1}/${runs} (${report.newEvents} new events): ${(incMs[r] / 1000).toFixed(2)} s wall, ${(incCpuMs[r] / 1000).toFixed(2)} s CPU`,
    );
  }
  const result = {
    data: stats,
    fullRetrainSeconds: {
      median: Math.round(median(fullMs)) / 1000,
      runs: fullMs.map((v) => Math.round(v) / 1000),
      cpuMedian: Math.round(median(fullCpuMs)) / 1000,
      cpuRuns: fullCpuMs.map((v) => Math.round(v) / 1000),
    },
    fullRetrainPerModelSecondsMedian: Object.fromEntries(
      Object.entries(perModel).map(([k, v]) => [k, Math.round(median(v)) / 1000]),
    ),
    incrementalCycleSeconds: {
      newEvents: incN,
      median: Math.round(median(incMs)) / 1000,
      runs: incMs.map((v) => Math.round(v) / 1000),
      cpuMedian: Math.round(median(incCpuMs)) / 1000,
      cpuRuns: incCpuMs.map((v) => Math.round(v) / 1000),
    },
    loadAverage: loadavg().map((v) => Math.round(v * 10) / 10),
    target: "full retrain <= 120 s at 30k items, 1M events (issue 14)",
  };
  console.log(JSON.stringify(result, null, 2));
  client.close();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
