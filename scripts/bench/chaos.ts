/**
 * `npm run bench:chaos [-- --duration 60 --rate 200 --seed-db <file.db>]`
 *
 * Issue 16's chaos figure: mixed traffic (catalog, feed, recommendations, events) at a fixed rate through the
 * real Node server (a child process) while Redis and the vector backend are each killed and restarted twice:
 *   redis-server  a real one behind the local Upstash REST front (scripts/dev/upstash-rest-server.ts),
 *                 SIGKILLed and started again on its port;
 *   Qdrant        the OpenAPI-checked fake (test/adapters/vector-index/fake-qdrant.ts), its port closed
 *                 and opened again with its collections kept (a Qdrant with persistent storage restarting).
 * Pass/fail: 0 responses with status 500, and every event acknowledged (accepted) by the API stored exactly
 * once (counted in the database afterwards). Also reported: statuses per kind, degraded answers, latency
 * percentiles, /readyz over time and how long each backend took to be used again after its restart.
 *
 * --seed-db copies a database that already holds the demo catalog and trained models (a previous server
 * start), skipping the ~60 s first start. The learner is off (LEARNER=off): the figure is about serving.
 * Writes docs/benchmarks/chaos.json; exit 1 when the figure is not met.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createClient } from "@libsql/client";
import { freePort } from "../lib/server-process";
import { startRedis } from "../../test/helpers/redis";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    rate: { type: "string", default: "200" },
    "seed-db": { type: "string" },
    out: { type: "string", default: "docs/benchmarks/chaos.json" },
  },
});
const DURATION_S = Number(values.duration);
const RATE = Number(values.rate);
const TOKEN = "chaos-bench-token";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => console.error(`[chaos ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** A helper in its own process (the REST front, the fake Qdrant): one line of JSON/text once it listens. */
async function helper(args: string[], waitFor: RegExp): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const lines: string[] = [];
  await new Promise<void>((ok, ko) => {
    child.once("exit", (code) => ko(new Error(`${args[0]} exited with ${code}`)));
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      lines.push(...d.split("\n").filter(Boolean));
      if (lines.some((l) => waitFor.test(l))) ok();
    });
  });
  return { child, lines };
}

type Kind = "catalog" | "product" | "feed" | "feed_next" | "recs_session" | "recs_product" | "events";
interface Outcome {
  kind: Kind;
  status: number; // 0 = network error
  ms: number;
  degraded: boolean;
  /** The X-Degraded header's value: which sources were missing from the answer. */
  degradedBy: string | null;
  /** The error body's machine-readable code on a 4xx/5xx. */
  code: string | null;
  at: number;
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "recircuit-chaos-"));
  const dbFile = join(dir, "chaos.db");
  if (values["seed-db"]) {
    for (const suffix of ["", "-wal", "-shm"])
      if (existsSync(`${values["seed-db"]}${suffix}`))
        copyFileSync(`${values["seed-db"]}${suffix}`, `${dbFile}${suffix}`);
  }
  let redis = await startRedis();
  const [restPort, qdrantPort, port] = [await freePort(), await freePort(), await freePort()];
  const rest = await helper(
    ["scripts/dev/upstash-rest-server.ts", "--redis-url", redis.url, "--token", TOKEN, "--port", String(restPort)],
    /Upstash REST server on/,
  );
  const restUrl = `http://127.0.0.1:${restPort}`;
  const qdrant = await helper(["scripts/bench/lib-fake-qdrant-process.ts", "--port", String(qdrantPort)], /"url"/);
  const qdrantUrl = `http://127.0.0.1:${qdrantPort}`;
  const base = `http://127.0.0.1:${port}`;
  log(`redis ${redis.url}, upstash REST ${restUrl}, fake qdrant ${qdrantUrl}, server ${base}`);
  const server = spawn(process.execPath, ["--import", "tsx", "src/server/node.ts"], {
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: `file:${dbFile}`,
      NODE_ENV: "development",
      LOG_LEVEL: "warn",
      LEARNER: "off",
      DEMO_DATA: "true",
      WEB_CONCURRENCY: "1",
      SESSION_STORE: "upstash",
      UPSTASH_REDIS_REST_URL: restUrl,
      UPSTASH_REDIS_REST_TOKEN: TOKEN,
      QDRANT_URL: qdrantUrl,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let serverLog = "";
  server.stderr?.setEncoding("utf8").on("data", (d: string) => (serverLog = (serverLog + d).slice(-20_000)));
  const cleanup = async () => {
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
    }
    for (const h of [rest, qdrant])
      if (h.child.exitCode === null) {
        h.child.kill("SIGTERM");
        await new Promise((r) => h.child.once("exit", r));
      }
    await redis.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const started = Date.now();
    for (;;) {
      if (server.exitCode !== null) throw new Error(`server exited: ${serverLog.slice(-2000)}`);
      if (Date.now() - started > 240_000) throw new Error("server not ready in 240 s");
      const ready = await fetch(`${base}/readyz`).then(
        (r) => r.json() as Promise<{ status: string }>,
        () => null,
      );
      if (ready?.status === "ready") break;
      await sleep(500);
    }
    log(`server ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const products = (
      (await (await fetch(`${base}/v1/products?limit=100`)).json()) as { items: { id?: string; parentAsin?: string }[] }
    ).items
      .map((p) => p.id ?? p.parentAsin ?? "")
      .filter(Boolean);
    if (products.length === 0) throw new Error("no products: is the demo catalog loaded?");

    // ---- load ----
    const outcomes: Outcome[] = [];
    const acked = new Set<string>();
    const cursors: string[] = [];
    let eventSeq = 0;
    const t0 = Date.now();
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];
    const session = () => `chaos-sess-${String(Math.floor(Math.random() * 400)).padStart(4, "0")}`;
    const send = async (kind: Kind): Promise<void> => {
      const sid = session();
      const headers: Record<string, string> = { "x-session-id": sid };
      let url = base;
      let init: RequestInit = { headers };
      let ids: string[] = [];
      switch (kind) {
        case "catalog":
          url += `/v1/products?limit=10&offset=${Math.floor(Math.random() * 50)}`;
          break;
        case "product":
          url += `/v1/products/${pick(products)}`;
          break;
        case "feed":
          url += "/v1/feed?limit=20";
          break;
        case "feed_next": {
          const c = cursors.pop();
          if (!c) return send("feed");
          headers["x-session-id"] = c.split(" ")[0];
          url += `/v1/feed?limit=20&cursor=${encodeURIComponent(c.split(" ")[1])}`;
          break;
        }
        case "recs_session":
          url += "/v1/recommendations/session?limit=10";
          break;
        case "recs_product":
          url += `/v1/products/${pick(products)}/recommendations?limit=10`;
          break;
        case "events": {
          const n = 1 + Math.floor(Math.random() * 3);
          ids = Array.from({ length: n }, () => `chaos-${++eventSeq}`);
          const types = ["view", "view", "click", "cart", "favorite"];
          init = {
            method: "POST",
            headers: { ...headers, "content-type": "application/json" },
            body: JSON.stringify({ events: ids.map((id) => ({ id, type: pick(types), item_id: pick(products) })) }),
          };
          url += "/v1/events";
          break;
        }
      }
      const at = Date.now() - t0;
      const began = performance.now();
      let status = 0;
      let degraded = false;
      let degradedBy: string | null = null;
      let code: string | null = null;
      try {
        const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
        status = res.status;
        degradedBy = res.headers.get("x-degraded");
        degraded = degradedBy !== null;
        const body = (await res.json()) as {
          accepted?: string[];
          nextCursor?: string | null;
          error?: { code?: string };
        };
        code = body.error?.code ?? null;
        if (kind === "events" && (status === 200 || status === 207))
          for (const id of body.accepted ?? []) acked.add(id);
        if (kind === "feed" && body.nextCursor && cursors.length < 200) cursors.push(`${sid} ${body.nextCursor}`);
      } catch {
        status = 0;
      }
      outcomes.push({ kind, status, ms: performance.now() - began, degraded, degradedBy, code, at });
    };
    const mix: Kind[] = [
      ...Array<Kind>(4).fill("catalog"),
      ...Array<Kind>(2).fill("product"),
      ...Array<Kind>(4).fill("feed"),
      ...Array<Kind>(1).fill("feed_next"),
      ...Array<Kind>(2).fill("recs_session"),
      ...Array<Kind>(2).fill("recs_product"),
      ...Array<Kind>(5).fill("events"),
    ];

    // ---- chaos timeline: each backend killed and restarted twice ----
    const phase = (f: number) => Math.round(DURATION_S * 1000 * f);
    const timeline: { atMs: number; action: string }[] = [];
    const restarts: { backend: string; restartedAtMs: number; usedAgainAtMs: number | null }[] = [];
    const chaos = [
      { at: phase(0.13), action: "kill redis" },
      { at: phase(0.27), action: "restart redis" },
      { at: phase(0.33), action: "stop qdrant" },
      { at: phase(0.47), action: "restart qdrant" },
      { at: phase(0.57), action: "kill redis" },
      { at: phase(0.7), action: "restart redis" },
      { at: phase(0.77), action: "stop qdrant" },
      { at: phase(0.9), action: "restart qdrant" },
    ];
    const readyz: { atMs: number; down: string[] }[] = [];
    const chaosRun = (async () => {
      for (const step of chaos) {
        await sleep(Math.max(0, step.at - (Date.now() - t0)));
        const atMs = Date.now() - t0;
        if (step.action === "kill redis") await redis.kill();
        if (step.action === "restart redis") redis = await startRedis(10_000, redis.port);
        if (step.action === "stop qdrant") qdrant.child.kill("SIGUSR1");
        if (step.action === "restart qdrant") qdrant.child.kill("SIGUSR2");
        timeline.push({ atMs, action: step.action });
        if (step.action.startsWith("restart"))
          restarts.push({ backend: step.action.split(" ")[1], restartedAtMs: atMs, usedAgainAtMs: null });
        log(step.action);
      }
    })();
    const probeRun = (async () => {
      while (Date.now() - t0 < DURATION_S * 1000) {
        const r = await fetch(`${base}/readyz`).then(
          (res) => res.json() as Promise<{ down: string[] }>,
          () => ({ down: ["unreachable"] }),
        );
        const atMs = Date.now() - t0;
        readyz.push({ atMs, down: r.down });
        for (const x of restarts)
          if (x.usedAgainAtMs === null) {
            const name = x.backend === "redis" ? "session_store" : "vector_index";
            if (!r.down.includes(name)) x.usedAgainAtMs = atMs;
          }
        await sleep(250);
      }
    })();

    const inflight = new Set<Promise<void>>();
    let sent = 0;
    while (Date.now() - t0 < DURATION_S * 1000) {
      const due = Math.floor(((Date.now() - t0) / 1000) * RATE);
      while (sent < due) {
        const p = send(mix[sent % mix.length]).finally(() => inflight.delete(p));
        inflight.add(p);
        sent++;
      }
      await sleep(5);
    }
    await Promise.all([...inflight, chaosRun, probeRun]);
    const elapsed = (Date.now() - t0) / 1000;
    log(`${sent} requests in ${elapsed.toFixed(1)} s`);

    // ---- exactly once ----
    await sleep(500);
    const db = createClient({ url: `file:${dbFile}` });
    const rows = await db.execute(
      "SELECT client_event_id AS id, count(*) AS n FROM events WHERE client_event_id LIKE '%:chaos-%' GROUP BY client_event_id",
    );
    db.close();
    const storedCount = new Map<string, number>();
    for (const r of rows.rows) {
      const id = String(r.id).slice(String(r.id).lastIndexOf(":chaos-") + 1);
      storedCount.set(id, (storedCount.get(id) ?? 0) + Number(r.n));
    }
    const missing = [...acked].filter((id) => !storedCount.has(id));
    const twice = [...storedCount].filter(([, n]) => n > 1).map(([id]) => id);

    // ---- report ----
    const pct = (xs: number[], p: number) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10 : null;
    };
    const kinds = [...new Set(outcomes.map((o) => o.kind))];
    const perKind = Object.fromEntries(
      kinds.map((k) => {
        const os = outcomes.filter((o) => o.kind === k);
        const statuses: Record<string, number> = {};
        for (const o of os) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
        return [
          k,
          {
            requests: os.length,
            statuses,
            degraded: os.filter((o) => o.degraded).length,
            errorCodes: countBy(os.filter((o) => o.code !== null).map((o) => `${o.status} ${o.code}`)),
            degradedBy: countBy(os.filter((o) => o.degradedBy !== null).map((o) => o.degradedBy as string)),
            p50Ms: pct(
              os.map((o) => o.ms),
              50,
            ),
            p99Ms: pct(
              os.map((o) => o.ms),
              99,
            ),
          },
        ];
      }),
    );
    const status500 = outcomes.filter((o) => o.status === 500).length;
    const networkErrors = outcomes.filter((o) => o.status === 0).length;
    const report = {
      command: `npm run bench:chaos -- --duration ${DURATION_S} --rate ${RATE}${values["seed-db"] ? " --seed-db <demo db>" : ""}`,
      offeredRate: RATE,
      achievedRate: Math.round((sent / elapsed) * 10) / 10,
      durationS: Math.round(elapsed * 10) / 10,
      requests: sent,
      status500,
      networkErrors,
      statusCounts: outcomes.reduce<Record<string, number>>((acc, o) => {
        acc[o.status] = (acc[o.status] ?? 0) + 1;
        return acc;
      }, {}),
      degradedAnswers: outcomes.filter((o) => o.degraded).length,
      perKind,
      events: {
        acknowledged: acked.size,
        storedOnce: acked.size - missing.length,
        missing: missing.length,
        storedTwice: twice.length,
      },
      timeline,
      restarts: restarts.map((r) => ({
        ...r,
        secondsToReady: r.usedAgainAtMs === null ? null : Math.round((r.usedAgainAtMs - r.restartedAtMs) / 100) / 10,
      })),
      loadAverage1m: Math.round(loadavg()[0] * 10) / 10,
      met: status500 === 0 && missing.length === 0 && twice.length === 0,
    };
    writeFileSync(values.out as string, `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report, null, 2));
    if (status500 > 0) log(`server log tail:\n${serverLog.slice(-3000)}`);
    return report.met ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

/** Occurrences of each value (X-Degraded reasons per request kind). */
function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
