/**
 * `npm run bench:rss [-- --items 30000,1000000 --workers 1 --samples 5 --warm 4 --settle 0 --learner-thread off]`
 *
 * Memory of the serving processes, for pod sizing (docs/BENCHMARKS.md, "Memory / pod sizing"). For each
 * catalog size it starts the bench server child of scripts/bench/serve.ts (the same data: a generated 30k
 * catalog in a libSQL file with models trained and registered at first start, or at >= 500k items the
 * `--synthetic` catalog and models generated in memory), drives a short warm load (feed, session and
 * product recommendations), then samples every process of the server's tree from /proc (VmRSS; VmHWM for
 * the peak) --samples times, one second apart, and reports medians per process: the primary and each
 * worker with --workers N (learner and embedding threads are inside their process). Where it goes comes from
 * the child's /__bench/memory: process.memoryUsage (V8 heap used/total, external, arrayBuffers), the typed
 * arrays each serving-model component holds, the SQLite page cache settings; and from the database, the
 * size of each live model artifact. Linux only (/proc). The machine is shared: figures are medians, and
 * RSS moves by tens of MB from run to run with GC timing.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { parseArgs } from "node:util";
import { median, runLoad } from "../lib/autocannon-run";
import { freePort } from "../lib/server-process";
import { createNodeLibsqlClient } from "../../src/db/client.node.js";
import type { ComponentFootprint } from "../lib/memory-footprint";

const { values } = parseArgs({
  options: {
    items: { type: "string", default: "30000,1000000" },
    workers: { type: "string", default: "1" },
    samples: { type: "string", default: "5" },
    // Seconds of warm load per scenario (feed, session, product) before sampling.
    warm: { type: "string", default: "4" },
    // Seconds to wait after the warm load before sampling (a learner thread's first cycle takes minutes).
    settle: { type: "string", default: "0" },
    // The learner thread in the serving process (`on`: `npm start`'s default; `off`: Kubernetes, CronJob learner).
    "learner-thread": { type: "string", default: "off" },
    out: { type: "string", default: "bench-out/rss.json" },
  },
});
if (!existsSync("/proc/self/status")) throw new Error("bench:rss reads /proc (Linux only)");
const log = (m: string): void => console.error(`[bench:rss] ${m}`);
const MB = (b: number): number => Math.round(b / 1e5) / 10;
const workers = Number(values.workers);
const sampleCount = Number(values.samples);
const learnerThread = values["learner-thread"] === "on" ? "on" : "off";

interface MemoryReport {
  pid: number;
  worker: boolean;
  process: {
    rss: number;
    heapUsed: number;
    heapTotal: number;
    external: number;
    arrayBuffers: number;
    heapLimit: number;
  };
  models: Record<string, ComponentFootprint> | null;
  sqlite: { clientCacheSize: number; pageSize: number };
}

/** Every process under `root` (itself included), with its kB of VmRSS and VmHWM and its command line. */
function tree(root: number): { pid: number; ppid: number; rssKb: number; hwmKb: number; cmd: string }[] {
  const all = new Map<number, { ppid: number; rssKb: number; hwmKb: number; cmd: string }>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, "utf8");
      const field = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      all.set(Number(name), { ppid: field("PPid"), rssKb: field("VmRSS"), hwmKb: field("VmHWM"), cmd });
    } catch {
      // ended while listing
    }
  }
  const out = [];
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop() as number;
    const p = all.get(pid);
    if (p) out.push({ pid, ...p });
    for (const [c, q] of all) if (q.ppid === pid) todo.push(c);
  }
  return out;
}

/** GET on a fresh connection: with several workers, the primary's round-robin spreads them. */
function getJson<T>(url: string): Promise<T> {
  return new Promise((done, fail) => {
    request(url, { agent: false }, (res) => {
      let text = "";
      res
        .setEncoding("utf8")
        .on("data", (d: string) => (text += d))
        .on("end", () => (res.statusCode === 200 ? done(JSON.parse(text) as T) : fail(new Error(text))));
    })
      .on("error", fail)
      .end();
  });
}

async function measure(items: number) {
  const synthetic = items >= 500_000;
  const port = await freePort();
  const args = [
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
    ...(synthetic ? ["--synthetic"] : []),
  ];
  log(`${items} items: starting node ${args.join(" ")} (LEARNER_THREAD=${learnerThread})`);
  const t0 = performance.now();
  const proc = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, LEARNER_THREAD: learnerThread },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let buf = "";
      proc.stdout.on("data", (d: Buffer) => {
        buf += d.toString();
        if (/READY \{/.test(buf)) resolve();
      });
      proc.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    });
    const startupS = Math.round((performance.now() - t0) / 100) / 10;
    const root = proc.pid as number;
    const startRss = tree(root).reduce((a, p) => a + p.rssKb * 1024, 0);
    log(`${items} items: ready after ${startupS} s, process tree ${MB(startRss)} MB; warm load`);
    const url = `http://127.0.0.1:${port}`;
    const sessions = Array.from({ length: 2000 }, (_, s) => `bench-${String(s).padStart(6, "0")}`);
    const product = (j: number): string => `P${String(Math.floor((j * items) / 500) + 1).padStart(7, "0")}`;
    const warm = Number(values.warm);
    for (const [name, paths] of [
      ["feed", sessions.map((s) => `/v1/feed?session_id=${s}`)],
      ["session", sessions.map((s) => `/v1/recommendations/session?session_id=${s}`)],
      ["product", sessions.map((s, j) => `/v1/products/${product(j % 500)}/recommendations?session_id=${s}`)],
    ] as const) {
      const r = await runLoad({ name, url, paths: [...paths], connections: 4, durationSec: warm });
      log(`  warm ${name}: ${Math.round(r.rps)} req/s, errors ${r.errors}, non2xx ${r.non2xx}`);
    }

    const settle = Number(values.settle);
    if (settle > 0) {
      log(`  settling ${settle} s before sampling`);
      await new Promise((r) => setTimeout(r, settle * 1000));
    }
    // Samples: RSS of every process from /proc, and each serving process's own breakdown.
    const rss = new Map<number, number[]>();
    const hwm = new Map<number, number>();
    const reports = new Map<number, MemoryReport[]>();
    const cmds = new Map<number, string>();
    for (let s = 0; s < sampleCount; s++) {
      await new Promise((r) => setTimeout(r, 1000));
      for (const p of tree(root)) {
        rss.set(p.pid, [...(rss.get(p.pid) ?? []), p.rssKb * 1024]);
        hwm.set(p.pid, p.hwmKb * 1024);
        cmds.set(p.pid, p.cmd);
      }
      const seen = new Set<number>();
      for (let k = 0; k < 4 * workers && seen.size < workers; k++) {
        const m = await getJson<MemoryReport>(`${url}/__bench/memory`);
        if (seen.has(m.pid)) continue;
        seen.add(m.pid);
        reports.set(m.pid, [...(reports.get(m.pid) ?? []), m]);
      }
    }
    const med = (xs: number[]): number => MB(median(xs));
    let w = 0;
    const processes = [...rss.keys()]
      .sort((a, b) => a - b)
      .map((pid) => {
        const cmd = cmds.get(pid) ?? "";
        const serving = reports.get(pid);
        const role = !cmd.includes("serve.ts")
          ? `other (${cmd.split(" ")[0].split("/").at(-1)})`
          : pid === root
            ? workers > 1
              ? "primary"
              : "serving process"
            : `worker ${w++}`;
        const pick = (k: keyof MemoryReport["process"]): number | null =>
          serving ? med(serving.map((r) => r.process[k])) : null;
        return {
          pid,
          role,
          rssMb: med(rss.get(pid) ?? []),
          peakRssMb: MB(hwm.get(pid) ?? 0),
          heapUsedMb: pick("heapUsed"),
          heapTotalMb: pick("heapTotal"),
          externalMb: pick("external"),
          arrayBuffersMb: pick("arrayBuffers"),
        };
      });
    const anyReport = [...reports.values()][0]?.at(-1) ?? null;
    const models = anyReport?.models
      ? Object.fromEntries(
          Object.entries(anyReport.models)
            .filter(([, f]) => f.typedArrayBytes > 0 || f.jsEntries > 0)
            .map(([k, f]) => [k, { typedArraysMb: MB(f.typedArrayBytes), jsEntries: f.jsEntries }]),
        )
      : null;
    // Live model artifacts as stored (what each serving process decodes at load).
    let artifacts: Record<string, number> | null = null;
    if (!synthetic) {
      const client = await createNodeLibsqlClient(`file:data/bench/serve-${items}/serve.db`);
      try {
        const res = await client.execute(`
          SELECT a.model, a.byte_length AS bytes FROM model_artifacts a
          WHERE a.status = 'complete' AND a.version = coalesce(
            (SELECT l.version FROM model_live l WHERE l.model = a.model),
            (SELECT r.version FROM model_registry r WHERE r.model = a.model ORDER BY r.created_at DESC LIMIT 1))`);
        artifacts = Object.fromEntries(res.rows.map((r) => [String(r.model), MB(Number(r.bytes))]));
      } finally {
        client.close();
      }
    }
    const cache = anyReport?.sqlite;
    return {
      items,
      synthetic,
      workers,
      learnerThread,
      startupS,
      treeRssMb: MB(processes.reduce((a, p) => a + p.rssMb * 1e6, 0)),
      processes,
      modelComponents: models,
      liveArtifactsMb: artifacts,
      sqlitePageCache: cache
        ? {
            // Negative cache_size is KiB; the hot-path native connection sets its own (src/db/native-executor.node.ts).
            appClientMb:
              cache.clientCacheSize < 0
                ? MB(-cache.clientCacheSize * 1024)
                : MB(cache.clientCacheSize * cache.pageSize),
          }
        : null,
    };
  } finally {
    proc.kill("SIGTERM");
    await new Promise((r) => proc.once("exit", r));
  }
}

async function main(): Promise<void> {
  const results = [];
  for (const items of values.items.split(",").map(Number)) results.push(await measure(items));
  const lines: string[] = [];
  for (const r of results) {
    lines.push(
      `${r.items} items${r.synthetic ? " (synthetic)" : ""}, ${r.workers} worker(s), LEARNER_THREAD=${r.learnerThread}: process tree ${r.treeRssMb} MB (median of ${sampleCount} samples after warm load)`,
      "| process | RSS MB (median) | peak RSS MB | V8 heap used / total MB | external MB | arrayBuffers MB |",
      "|---|---|---|---|---|---|",
      ...r.processes.map(
        (p) =>
          `| ${p.role} | ${p.rssMb} | ${p.peakRssMb} | ${p.heapUsedMb ?? "-"} / ${p.heapTotalMb ?? "-"} | ${p.externalMb ?? "-"} | ${p.arrayBuffersMb ?? "-"} |`,
      ),
      `serving models' typed arrays (MB) / JS entries: ${Object.entries(r.modelComponents ?? {})
        .map(([k, v]) => `${k} ${v.typedArraysMb} / ${v.jsEntries}`)
        .join(", ")}`,
      `live artifacts as stored (MB): ${r.liveArtifactsMb ? JSON.stringify(r.liveArtifactsMb) : "none (generated in memory)"}`,
      `SQLite page cache: app client ${r.sqlitePageCache?.appClientMb ?? "?"} MB max (hot-path connection: 32 MiB max)`,
      "",
    );
  }
  console.log(lines.join("\n"));
  mkdirSync("bench-out", { recursive: true });
  writeFileSync(values.out, JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
  log(`written ${values.out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
