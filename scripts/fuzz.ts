import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { type FuzzReport, runFuzz } from "./lib/fuzz/run";
import { fuzzTarget } from "./lib/fuzz/target.node.js";

/**
 * `npm run fuzz -- --requests N [--seed S] [--concurrency C] [--shards K] [--in-process]`: every /openapi.json
 * operation, fast-check arbitraries from its schemas plus hostile inputs, as anonymous, each role and each API
 * key scope, against a real HTTP server (default) over a fresh database. `--shards K` splits the run over K
 * processes (each its own server and database, seeds S, S+1, ...) and sums their reports. Exit 1 on any 5xx,
 * error body off the contract, or cross-account leak.
 */
const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "10000" },
    seed: { type: "string" },
    concurrency: { type: "string", default: "4" },
    shards: { type: "string", default: "1" },
    "in-process": { type: "boolean", default: false },
    "json-report": { type: "boolean", default: false },
  },
});
const requests = Number(values.requests);
const shards = Number(values.shards);
const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 30);
if (!Number.isInteger(requests) || requests < 1) throw new Error("--requests must be a positive integer");
if (!Number.isInteger(shards) || shards < 1) throw new Error("--shards must be a positive integer");
const started = Date.now();

const children = new Set<import("node:child_process").ChildProcess>();
// A failed shard ends the run: its siblings must not live on as orphans.
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
});

async function shard(i: number, n: number): Promise<FuzzReport> {
  const args = ["--import", "tsx", "scripts/fuzz.ts", "--requests", String(n), "--seed", String(seed + i)];
  args.push("--concurrency", String(values.concurrency), "--json-report");
  if (values["in-process"]) args.push("--in-process");
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  children.add(child);
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
    for (const line of d.split("\n")) if (line.startsWith("  ")) process.stdout.write(`shard ${i}:${line}\n`);
  });
  await new Promise((done) => child.once("exit", done));
  children.delete(child);
  const last = out.trim().split("\n").at(-1) ?? "";
  if (!last.startsWith("{")) throw new Error(`shard ${i} wrote no report`);
  return JSON.parse(last) as FuzzReport;
}

let report: FuzzReport;
if (shards > 1) {
  console.log(`fuzz: ${requests} requests in ${shards} shards, seeds ${seed}..${seed + shards - 1}`);
  const parts = await Promise.all(
    Array.from({ length: shards }, (_, i) => shard(i, Math.floor(requests / shards) + (i < requests % shards ? 1 : 0))),
  );
  const byStatus: Record<string, number> = {};
  for (const p of parts) for (const [s, n] of Object.entries(p.byStatus)) byStatus[s] = (byStatus[s] ?? 0) + n;
  report = {
    seed,
    requests: parts.reduce((n, p) => n + p.requests, 0),
    operations: parts[0].operations,
    byStatus,
    fiveXx: parts.reduce((n, p) => n + p.fiveXx, 0),
    failures: parts.flatMap((p) => p.failures),
    durationMs: Date.now() - started,
    slowest: parts[0].slowest,
  };
} else {
  const target = await fuzzTarget({ server: !values["in-process"] });
  console.log(`fuzz: ${requests} requests, seed ${seed}, ${values["in-process"] ? "in-process" : "real HTTP server"}`);
  report = await runFuzz(target, {
    requests,
    seed,
    concurrency: Number(values.concurrency),
    onProgress: (n, fiveXx, failures) =>
      n % 5_000 === 0 &&
      console.log(`  ${n} requests, ${fiveXx} x 5xx, ${failures} failures (${new Date().toISOString()})`),
  });
  await target.close();
}
if (values["json-report"]) console.log(JSON.stringify(report));
else {
  const byKind: Record<string, number> = {};
  for (const f of report.failures) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
  const summary = {
    ...report,
    failures: undefined,
    failuresByKind: byKind,
    firstFailures: report.failures.slice(0, 20),
  };
  console.log(JSON.stringify(summary, null, 2));
}
process.exit(report.failures.length === 0 ? 0 : 1);
