/**
 * One replay run: a fresh embedded database with the catalog and the history loaded through the project's
 * ingest, the real Node server as a child process (`LEARNER=on|off`), then the replayed events in time order
 * through its HTTP API, each step asking for recommendations first and scoring them against what comes next.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LibsqlSessionStore } from "../../../src/adapters/session-store/libsql";
import { createNodeLibsqlClient } from "../../../src/db/client.node.js";
import { createDatabase, type Database } from "../../../src/db/database";
import { runMigrations } from "../../../src/db/migrate.node.js";
import { ingestFiles } from "../../../src/ingest/ingest-service.node.js";
import type { SessionAppend, SessionEventType } from "../../../src/ports/session-store";
import { startNodeServer } from "../server-process";
import type { ReplayEvent } from "./dataset";
import { rankOf } from "./metrics";
import { createProgress } from "./progress";
import { groupSteps, type Split, type Step } from "./split";

export const SURFACES = ["feed", "session"] as const;
export type Surface = (typeof SURFACES)[number];
export type Mode = "off" | "on";
export const REPLAY_EVENT_TYPES = ["view", "click", "cart", "favorite", "purchase"] as const;
export type ReplayEventType = (typeof REPLAY_EVENT_TYPES)[number];

export interface RunOptions {
  mode: Mode;
  split: Split;
  /** Item files (meta JSONL, items_meta CSV) loaded as the catalog; items without metadata get a stub row. */
  itemFiles: readonly string[];
  surfaces: readonly Surface[];
  /** Recommendations asked per request (HR/NDCG cut-off). */
  k: number;
  /** Newest history items put in each replayed visitor's session before the server starts (0 = none). */
  prime: number;
  eventType: ReplayEventType;
  learnerIntervalSeconds: number;
  /** The replay lasts at least this long: data time is mapped linearly onto it (0 = as fast as possible). */
  wallSeconds: number;
  concurrency: number;
  log: (line: string) => void;
  /** Keep the temp directory (database) for inspection. */
  keep?: boolean;
  /** Bounded wait for the server's start (training included). */
  startTimeoutMs?: number;
  /** The server child's LOG_LEVEL (default warn; tests pass silent). */
  serverLogLevel?: "silent" | "warn" | "info";
}

/** One scored case: the replayed event `index` and the rank of its item on each surface (0 = not in the top k). */
export interface Case {
  index: number;
  ranks: Partial<Record<Surface, number>>;
  /** Model version of the feed page (or session list) the case was scored on. */
  modelVersion: string;
}

export interface RunResult {
  mode: Mode;
  cases: Case[];
  rejected: Record<string, number>;
  requests: number;
  wallMs: number;
  startMs: number;
  /** Model versions seen, with how many cases each served. */
  modelVersions: Record<string, number>;
}

/** Session ids must be 8-64 of [A-Za-z0-9_-]: data-set user ids are prefixed, or hashed when they do not fit. */
export async function sessionIdFor(user: string): Promise<string> {
  if (/^[A-Za-z0-9_-]{1,55}$/.test(user)) return `replay-${user}`;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(user)));
  return `replay-${Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

const csvField = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** Writes the history as a benchmark rating_only CSV (the ingest's own format) for `ingestFiles`. */
function writeHistoryCsv(path: string, history: readonly ReplayEvent[]): void {
  const lines = ["user_id,parent_asin,rating,timestamp"];
  for (const e of history) lines.push(`${csvField(e.user)},${csvField(e.item)},5.0,${e.ts}`);
  writeFileSync(path, `${lines.join("\n")}\n`);
}

/** Loads catalog, stub items and history into a fresh database and primes the replayed visitors' sessions. */
export async function prepareDatabase(dir: string, o: RunOptions): Promise<{ url: string; stubs: number }> {
  const url = `file:${join(dir, "replay.db")}`;
  const client = await createNodeLibsqlClient(url);
  try {
    const db = createDatabase(client);
    await runMigrations(db);
    if (o.itemFiles.length > 0) await checkedIngest(db, o.itemFiles);
    // Items with events but no metadata (the SASRec text has none at all): a minimal product each, through the
    // ingest's meta JSONL path, so events name known items and the models can index them.
    const items = new Set<string>();
    for (const e of o.split.history) items.add(e.item);
    for (const e of o.split.replay) items.add(e.item);
    const known = new Set<string>();
    const ids = [...items];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rs = await client.execute({
        sql: `SELECT parent_asin FROM products WHERE parent_asin IN (${chunk.map(() => "?").join(",")})`,
        args: chunk,
      });
      for (const r of rs.rows) known.add(String(r.parent_asin));
    }
    const missing = ids.filter((id) => !known.has(id));
    const files: string[] = [];
    if (missing.length > 0) {
      const stubPath = join(dir, "meta_replay_stubs.jsonl");
      writeFileSync(
        stubPath,
        `${missing.map((id) => JSON.stringify({ parent_asin: id, title: `Item ${id}`, main_category: "Replay" })).join("\n")}\n`,
      );
      files.push(stubPath);
    }
    const historyPath = join(dir, "history.csv");
    writeHistoryCsv(historyPath, o.split.history);
    files.push(historyPath);
    await checkedIngest(db, files);
    if (o.prime > 0) await primeSessions(client, o);
    return { url, stubs: missing.length };
  } finally {
    client.close();
  }
}

/** The project's ingest; a file it cannot read at all fails the run (the replay would measure nothing). */
async function checkedIngest(db: Database, files: readonly string[]) {
  const report = await ingestFiles(db, files);
  for (const f of report.files) {
    if (f.format === "unknown") throw new Error(`ingest could not read ${f.file}: ${f.skippedSamples[0]?.detail}`);
  }
  return report;
}

/**
 * Puts each replayed visitor's newest `prime` history items into their session (through the SessionStore
 * port, before the server starts), so the server sees what a returning visitor's session holds; without it
 * every visitor's first replayed event would be scored on an empty session. Kept for a day (the server's own
 * appends then refresh the usual idle TTL).
 */
async function primeSessions(client: Awaited<ReturnType<typeof createNodeLibsqlClient>>, o: RunOptions) {
  const store = new LibsqlSessionStore({ client, ttlSeconds: 86_400 });
  const replayed = new Set(o.split.replay.map((e) => e.user));
  const byUser = new Map<string, ReplayEvent[]>();
  for (const e of o.split.history) {
    if (!replayed.has(e.user)) continue;
    let l = byUser.get(e.user);
    if (!l) byUser.set(e.user, (l = []));
    l.push(e);
  }
  const now = Date.now();
  let batch: SessionAppend[] = [];
  for (const [user, events] of byUser) {
    const newest = events.slice(-o.prime);
    batch.push({
      sessionId: await sessionIdFor(user),
      events: newest.map((e, i) => ({
        itemId: e.item,
        type: o.eventType as SessionEventType,
        ts: now - (newest.length - i) * 1000,
      })),
    });
    if (batch.length >= 200) {
      await store.appendMany(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await store.appendMany(batch);
}

interface RecList {
  ids: string[];
  recommendationIds: string[];
  modelVersion: string;
}

async function getJson(url: string, headers: Record<string, string>): Promise<unknown> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function fetchRecs(base: string, surface: Surface, sessionId: string, k: number): Promise<RecList> {
  const path = surface === "feed" ? "/v1/feed" : "/v1/recommendations/session";
  const body = (await getJson(`${base}${path}?limit=${k}`, { "x-session-id": sessionId })) as {
    items: { productId: string; recommendationId: string }[];
    modelVersion: string;
  };
  return {
    ids: body.items.map((i) => i.productId),
    recommendationIds: body.items.map((i) => i.recommendationId),
    modelVersion: body.modelVersion,
  };
}

/** Polls the feed until the models answer (the server trains on the history at start; 503 until then). */
async function waitForModels(base: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${base}/v1/feed?limit=1`, { headers: { "x-session-id": "replay-probe" } });
    await res.text();
    if (res.status === 200) return;
    if (res.status !== 503) throw new Error(`feed answered ${res.status} while waiting for the models`);
    if (Date.now() > deadline) throw new Error(`models not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Runs steps with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function runReplay(o: RunOptions): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), `replay-${o.mode}-`));
  const label = `[replay ${o.mode}]`;
  try {
    const t0 = Date.now();
    const { url, stubs } = await prepareDatabase(dir, o);
    o.log(
      `${label} database ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${o.split.history.length} history events, ${stubs} stub items, sessions primed with ≤ ${o.prime} items`,
    );
    const started = Date.now();
    const server = await startNodeServer(
      {
        DATABASE_URL: url,
        DEMO_DATA: "false",
        MODEL_REGISTRY: "libsql",
        SESSION_STORE: "libsql",
        LEARNER: o.mode,
        LEARNER_INTERVAL_SECONDS: String(o.learnerIntervalSeconds),
        NODE_ENV: "development",
        LOG_LEVEL: o.serverLogLevel ?? "warn",
      },
      o.startTimeoutMs ?? 600_000,
    );
    try {
      await waitForModels(server.url, o.startTimeoutMs ?? 600_000);
      const startMs = Date.now() - started;
      o.log(`${label} server up and trained in ${(startMs / 1000).toFixed(1)} s at ${server.url}`);
      const result = await play(server.url, o, label);
      return { ...result, startMs };
    } finally {
      await server.stop();
    }
  } finally {
    if (o.keep) o.log(`${label} kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function play(base: string, o: RunOptions, label: string): Promise<Omit<RunResult, "startMs">> {
  const ticks = groupSteps(o.split.replay);
  const total = o.split.replay.length;
  const cases: Case[] = new Array(total);
  const rejected: Record<string, number> = {};
  const modelVersions: Record<string, number> = {};
  let requests = 0;
  let done = 0;
  const progress = createProgress(label, total, "events", o.log);
  const first = o.split.replay[0].ts;
  const span = Math.max(1, o.split.replay[total - 1].ts - first);
  const started = Date.now();

  const runStep = async (step: Step) => {
    const sessionId = await sessionIdFor(step.user);
    const lists = new Map<Surface, RecList>();
    for (const s of o.surfaces) {
      lists.set(s, await fetchRecs(base, s, sessionId, o.k));
      requests++;
    }
    const primary = lists.get(o.surfaces[0]) as RecList;
    const feed = lists.get("feed");
    const events = step.events.map(({ event, index }) => {
      const ranks: Partial<Record<Surface, number>> = {};
      for (const [s, l] of lists) ranks[s] = rankOf(l.ids, event.item);
      cases[index] = { index, ranks, modelVersion: primary.modelVersion };
      modelVersions[primary.modelVersion] = (modelVersions[primary.modelVersion] ?? 0) + 1;
      // A shopper who finds the item on the feed page takes it from there: attribute it as a client would.
      const pos = feed ? feed.ids.indexOf(event.item) : -1;
      const context: Record<string, unknown> = { source: "replay", replay_ts: event.ts };
      if (pos >= 0 && feed)
        Object.assign(context, { surface: "feed", recommendationId: feed.recommendationIds[pos], position: pos });
      return { id: `rp-${index}`, type: o.eventType, item_id: event.item, context };
    });
    const res = await fetch(`${base}/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-session-id": sessionId },
      body: JSON.stringify({ events }),
    });
    requests++;
    const text = await res.text();
    if (res.status !== 200 && res.status !== 207)
      throw new Error(`POST /v1/events answered ${res.status}: ${text.slice(0, 300)}`);
    const body = JSON.parse(text) as { rejected: { code: string }[] };
    for (const r of body.rejected) rejected[r.code] = (rejected[r.code] ?? 0) + 1;
    done += step.events.length;
    progress.tick(done);
  };

  for (const tick of ticks) {
    // Compressed wall clock: data time maps linearly onto wallSeconds, so the learner (every
    // LEARNER_INTERVAL_SECONDS) runs about the same number of cycles per window whatever the data's span.
    const due = started + ((tick[0].ts - first) / span) * o.wallSeconds * 1000;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await pool(tick, o.concurrency, runStep);
  }
  progress.finish(done);
  return { mode: o.mode, cases, rejected, requests, wallMs: Date.now() - started, modelVersions };
}
