/**
 * `npm run bench:sigterm [-- --runs 3 --rate 200 --slow 20 --seed-db <file.db>]`
 *
 * Issue 16's SIGTERM-under-load figure: `npm start`'s process tree (scripts/start.mjs → src/server/node.ts)
 * under mixed traffic at --rate req/s, plus --slow requests held in flight across the signal (a POST whose
 * body is half sent before SIGTERM and finished 1 s after). Then SIGTERM to the wrapper, as Kubernetes and
 * `npm start`'s exec send it. Measured per run:
 *   - every request sent before the signal got a complete HTTP response (none reset, none 5xx);
 *   - the slow in-flight requests were answered;
 *   - the time from SIGTERM to the wrapper's exit (≤ 10 s), and its exit code.
 * Requests started after the signal may be refused (the port closes at once): counted, not failures.
 * Medians over --runs. --seed-db copies a database that already holds the demo catalog and trained models.
 * Writes docs/benchmarks/sigterm.json; exit 1 when the figure is not met.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../lib/server-process";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    rate: { type: "string", default: "200" },
    slow: { type: "string", default: "20" },
    warm: { type: "string", default: "5" },
    "seed-db": { type: "string" },
    out: { type: "string", default: "docs/benchmarks/sigterm.json" },
  },
});
const RATE = Number(values.rate);
const SLOW = Number(values.slow);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => console.error(`[sigterm ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A POST /v1/events whose body arrives in two halves: in flight across the signal. */
function slowRequest(port: number, id: string) {
  const body = JSON.stringify({ events: [{ id, type: "view", item_id: "unknown-item" }] });
  const socket = connect(port, "127.0.0.1");
  let answer = "";
  socket.setEncoding("utf8").on("data", (d: string) => (answer += d));
  const connected = new Promise<void>((ok, ko) => {
    socket.once("connect", () => ok());
    socket.once("error", ko);
  });
  const closed = new Promise<void>((ok) => socket.once("close", () => ok()));
  return {
    async start() {
      await connected;
      socket.write(
        `POST /v1/events HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nx-session-id: sigterm-bench-01\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
      );
    },
    finish: () => socket.write(body.slice(10)),
    async status(): Promise<number> {
      await Promise.race([closed, sleep(15_000)]);
      socket.destroy();
      return Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1] ?? 0);
    },
  };
}

async function oneRun(run: number) {
  const dir = mkdtempSync(join(tmpdir(), "recircuit-sigterm-"));
  const dbFile = join(dir, "sigterm.db");
  if (values["seed-db"])
    for (const suffix of ["", "-wal", "-shm"])
      if (existsSync(`${values["seed-db"]}${suffix}`))
        copyFileSync(`${values["seed-db"]}${suffix}`, `${dbFile}${suffix}`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: Record<string, string | undefined> = {
    ...process.env,
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_URL: `file:${dbFile}`,
    NODE_ENV: "development",
    LOG_LEVEL: "warn",
    LEARNER: "off",
    DEMO_DATA: "true",
    WEB_CONCURRENCY: "1",
  };
  for (const k of ["SESSION_STORE", "UPSTASH_REDIS_REST_URL", "QDRANT_URL"]) delete env[k];
  const wrapper = spawn(process.execPath, ["scripts/start.mjs"], { env, stdio: ["ignore", "ignore", "pipe"] });
  let serverLog = "";
  wrapper.stderr?.setEncoding("utf8").on("data", (d: string) => (serverLog = (serverLog + d).slice(-10_000)));
  const exit = new Promise<{ code: number | null; at: number }>((ok) =>
    wrapper.once("exit", (code) => ok({ code, at: Date.now() })),
  );
  try {
    const t = Date.now();
    while (
      !(await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (wrapper.exitCode !== null) throw new Error(`server exited: ${serverLog.slice(-2000)}`);
      if (Date.now() - t > 240_000) throw new Error("not ready in 240 s");
      await sleep(300);
    }
    const products = (
      (await (await fetch(`${base}/v1/products?limit=50`)).json()) as { items: { id: string }[] }
    ).items.map((p) => p.id);
    const paths = [
      "/v1/products?limit=10",
      `/v1/products/${products[0]}`,
      "/v1/feed?limit=20",
      "/v1/recommendations/session?limit=10",
      `/v1/products/${products[1]}/recommendations?limit=10`,
    ];
    let signalAt = 0;
    const before: Promise<number>[] = [];
    const after: Promise<number>[] = [];
    let n = 0;
    const failures: Record<string, number> = {};
    const sendOne = () => {
      const i = n++;
      const path = paths[i % paths.length];
      const p = fetch(`${base}${path}`, {
        headers: { "x-session-id": `sigterm-sess-${String(i % 100).padStart(4, "0")}` },
        signal: AbortSignal.timeout(15_000),
      }).then(
        async (r) => {
          await r.arrayBuffer();
          return r.status;
        },
        (err: unknown) => {
          // Before the signal: which way it failed (a reset in the accept queue, a timeout, ...).
          if (!signalAt) {
            const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
            failures[cause] = (failures[cause] ?? 0) + 1;
          }
          return 0;
        },
      );
      (signalAt ? after : before).push(p);
    };
    // Open loop at RATE for `warm` s, then the signal, then one more second of offered load.
    const t0 = Date.now();
    const slow = Array.from({ length: SLOW }, (_, i) => slowRequest(port, `sigterm-${run}-${i}`));
    let slowStarted = false;
    const warmMs = Number(values.warm) * 1000;
    let sent = 0;
    for (;;) {
      const now = Date.now() - t0;
      if (!slowStarted && now > warmMs - 500) {
        slowStarted = true;
        await Promise.all(slow.map((s) => s.start()));
      }
      if (!signalAt && now >= warmMs) {
        signalAt = Date.now();
        wrapper.kill("SIGTERM");
        setTimeout(() => {
          for (const s of slow) s.finish();
        }, 1000);
      }
      if (now >= warmMs + 1000) break;
      const due = Math.floor((now / 1000) * RATE);
      while (sent < due) {
        sendOne();
        sent++;
      }
      await sleep(5);
    }
    const [beforeStatuses, afterStatuses, slowStatuses, exited] = await Promise.all([
      Promise.all(before),
      Promise.all(after),
      Promise.all(slow.map((s) => s.status())),
      exit,
    ]);
    const incomplete = beforeStatuses.filter((s) => s === 0).length;
    const fiveHundreds = [...beforeStatuses, ...slowStatuses].filter((s) => s >= 500).length;
    const result = {
      run,
      requestsBeforeSignal: beforeStatuses.length,
      incompleteBeforeSignal: incomplete,
      incompleteCauses: failures,
      status5xx: fiveHundreds,
      slowInFlight: SLOW,
      slowAnswered: slowStatuses.filter((s) => s > 0).length,
      slowStatuses: [...new Set(slowStatuses)],
      afterSignal: { sent: afterStatuses.length, answered: afterStatuses.filter((s) => s > 0).length },
      exitMs: exited.at - signalAt,
      exitCode: exited.code,
    };
    log(JSON.stringify(result));
    return result;
  } finally {
    if (wrapper.exitCode === null) wrapper.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const runs = [];
  for (let r = 1; r <= Number(values.runs); r++) runs.push(await oneRun(r));
  const met = runs.every(
    (r) =>
      r.incompleteBeforeSignal === 0 &&
      r.status5xx === 0 &&
      r.slowAnswered === r.slowInFlight &&
      r.exitMs <= 10_000 &&
      r.exitCode === 0,
  );
  const report = {
    command: `npm run bench:sigterm -- --runs ${values.runs} --rate ${RATE} --slow ${SLOW}${values["seed-db"] ? " --seed-db <demo db>" : ""}`,
    medianExitMs: median(runs.map((r) => r.exitMs)),
    maxExitMs: Math.max(...runs.map((r) => r.exitMs)),
    medianRequestsBeforeSignal: median(runs.map((r) => r.requestsBeforeSignal)),
    loadAverage1m: Math.round(loadavg()[0] * 10) / 10,
    runs,
    met,
  };
  writeFileSync(values.out as string, `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
  return met ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
