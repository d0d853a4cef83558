/**
 * The Node entry with WEB_CONCURRENCY=2, as a real process tree: the primary migrates, loads the demo data
 * and trains once, two workers serve the same port with the libsql session store. What one worker stores
 * (an event's session history, a feed snapshot behind a cursor) must be visible to the other. Every request
 * uses its own connection (no keep-alive), so the primary's round-robin hands consecutive requests to
 * alternating workers; killing one worker also proves it is restarted and that the other keeps serving.
 * Runs in a temp working directory: its own database, demo files and model registry.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/server-process.js";

const ROOT = resolve(import.meta.dirname, "../..");
const METRICS_TOKEN = "cluster-metrics-token-0123456789";
let dir: string;
let child: ChildProcess;
let base: string;
let output = "";
let exitCode: number | null | undefined;

/** One request on a fresh connection (agent: false), so round-robin spreads requests over workers. */
function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: the tests read whatever JSON each route answers
): Promise<{ status: number; json: any }> {
  return new Promise((done, fail) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${base}${path}`,
      { method, agent: false, headers: { ...headers, ...(payload ? { "content-type": "application/json" } : {}) } },
      (res) => {
        let text = "";
        res
          .setEncoding("utf8")
          .on("data", (d: string) => (text += d))
          .on("end", () => done({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null }));
      },
    );
    req.on("error", fail);
    req.end(payload);
  });
}

async function waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = output.slice(from).match(pattern);
    if (m) return m;
    if (exitCode !== undefined)
      throw new Error(`server exited (${exitCode}) before ${pattern}:\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${pattern}:\n${output.slice(-3000)}`);
}

/** The JSON log lines (pino) in the output after `from`; the demo credentials box and other text are skipped. */
const logLines = (from = 0): Record<string, unknown>[] =>
  output
    .slice(from)
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return []; // a line still being written
      }
    });
const workerPids = (from = 0): number[] =>
  logLines(from)
    .filter((l) => l.msg === "cluster: worker listening")
    .map((l) => Number(l.workerPid));
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "recircuit-cluster-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HOST: "127.0.0.1",
    PORT: String(port),
    WEB_CONCURRENCY: "2",
    DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
    // The lines this test reads (cluster lifecycle, model registrations) are info lines.
    LOG_LEVEL: "info",
    NODE_ENV: "test",
    METRICS_TOKEN,
  };
  delete env.SESSION_STORE;
  delete env.UPSTASH_REDIS_REST_URL;
  child = spawn(
    process.execPath,
    ["--import", pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href, join(ROOT, "src/server/node.ts")],
    { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (output += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (output += d));
  child.once("exit", (code) => (exitCode = code));
  await waitFor(/listening on http:\/\/\S+ \(2 worker processes, .*session store libsql\)/, 180_000);
}, 200_000);

afterAll(async () => {
  if (child && exitCode === undefined) {
    child.kill("SIGKILL");
    for (const pid of workerPids()) if (alive(pid)) process.kill(pid, "SIGKILL");
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("Node server with WEB_CONCURRENCY=2", () => {
  it("runs two workers under one primary that did the one-time work once", () => {
    const pids = workerPids();
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(child.pid);
    // Models were trained and registered by the primary only: one registration per model.
    expect(logLines().filter((l) => l.msg === "recsys: registered model" && l.model === "covisitation")).toHaveLength(
      1,
    );
    expect(output.match(/Demo accounts/g)).toHaveLength(1);
  });

  it("shows an event posted through one worker in the session recommendations of both", async () => {
    const session = "clustertest_1";
    const before = await Promise.all(
      [0, 1, 2, 3].map(() => call("GET", `/v1/recommendations/session?session_id=${session}`)),
    );
    for (const r of before) expect(r).toMatchObject({ status: 200, json: { items: [] } });

    const product = (await call("GET", "/v1/products?limit=1&sort=popularity")).json.items[0].id as string;
    const posted = await call(
      "POST",
      "/v1/events",
      { events: [{ id: "ev-1", type: "view", item_id: product }] },
      { "x-session-id": session },
    );
    expect(posted).toMatchObject({ status: 200, json: { accepted: ["ev-1"] } });

    // Sequential requests on fresh connections alternate between the two workers.
    for (let i = 0; i < 8; i++) {
      const r = await call("GET", `/v1/recommendations/session?session_id=${session}&limit=5`);
      expect(r.status).toBe(200);
      expect(r.json.items.length).toBeGreaterThan(0);
      expect(r.json.items.map((it: { productId: string }) => it.productId)).not.toContain(product);
    }
  });

  it("serves a feed cursor from whichever worker gets the next page (shared snapshots)", async () => {
    for (let i = 0; i < 4; i++) {
      const session = `clusterfeed_${i}`;
      const first = await call("GET", `/v1/feed?limit=5&session_id=${session}`);
      expect(first.status).toBe(200);
      expect(first.json.nextCursor).toEqual(expect.any(String));
      const next = await call(
        "GET",
        `/v1/feed?limit=5&session_id=${session}&cursor=${encodeURIComponent(first.json.nextCursor)}`,
      );
      expect(next.status).toBe(200);
      const ids = (r: { json: { items: { productId: string }[] } }) => r.json.items.map((it) => it.productId);
      expect(ids(next).filter((id) => ids(first).includes(id))).toEqual([]);
    }
  });

  it("answers /metrics from any worker with the whole pod's metrics, aggregated by the primary", async () => {
    const scrape = (): Promise<string> =>
      new Promise((done, fail) => {
        const req = request(
          `${base}/metrics`,
          { agent: false, headers: { authorization: `Bearer ${METRICS_TOKEN}` } },
          (res) => {
            let text = "";
            res
              .setEncoding("utf8")
              .on("data", (d: string) => (text += d))
              .on("end", () => (res.statusCode === 200 ? done(text) : fail(new Error(`${res.statusCode}: ${text}`))));
          },
        );
        req.on("error", fail);
        req.end();
      });
    const feedRequests = (text: string): number =>
      text
        .split("\n")
        .filter((l) => l.startsWith('recircuit_http_requests_total{method="GET",route="/v1/feed",status="200"}'))
        .reduce((n, l) => n + Number(l.split(" ").at(-1)), 0);
    // Consecutive scrapes land on alternating workers: each answer is the same pod-wide total.
    for (let i = 0; i < 4; i++) {
      const text = await scrape();
      // The previous test's 8 feed pages, wherever they were served.
      expect(feedRequests(text)).toBe(8);
      for (const process of ["primary", "worker-0", "worker-1"])
        expect(text, process).toMatch(
          new RegExp(`recircuit_process_memory_bytes\\{process="${process}",kind="rss"\\} \\d+`),
        );
      // Gauges every worker reports alike are not summed: one serving set, value 1.
      expect(text).toMatch(/recircuit_models_live\{version="[^"]+"\} 1\n/);
      // The primary's own families: the event backlog and the learner it runs.
      expect(text).toMatch(/recircuit_event_backlog \d+/);
      expect(text).toContain('recircuit_learner_runs_total{outcome="ok"}');
    }
  });

  it("restarts a worker that dies while the other keeps serving", async () => {
    const [victim, survivor] = workerPids();
    const mark = output.length;
    process.kill(victim, "SIGKILL");
    await waitFor(/"msg":"cluster: worker exited, restarting"/, 10_000, mark);
    for (let i = 0; i < 4; i++) expect((await call("GET", "/healthz")).status).toBe(200);
    await waitFor(/"msg":"cluster: worker listening"/, 60_000, mark);
    const replacement = workerPids(mark)[0];
    expect(replacement).not.toBe(victim);
    expect(alive(survivor)).toBe(true);
    expect(alive(victim)).toBe(false);
  }, 90_000);

  it("shuts down cleanly on SIGTERM: workers drain and exit, then the primary exits 0", async () => {
    const pids = [...new Set(workerPids())].filter(alive);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    child.kill("SIGTERM");
    const deadline = Date.now() + 15_000;
    while (exitCode === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(exitCode).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
  }, 20_000);
});
