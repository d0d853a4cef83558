/**
 * Ingest benchmark: rating_only CSV (≥5M rows, generated once and cached under data/bench/) into a fresh libSQL
 * file, against a parse-only baseline over the same file in the same run, then the generated meta JSONL (ratings/25
 * products) into a fresh file. Each measurement runs in a child process so peak RSS (process.resourceUsage().maxRSS)
 * and CPU time (user + system, all threads) are that run's alone. --incremental also measures the upsert path
 * (bulk paths off) for comparison. Wall time on a shared machine is noisy: compare rows per CPU-second.
 *   npm run bench:ingest -- [--ratings 5000000] [--runs 3] [--dir data/bench] [--skip-ratings] [--incremental]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const self = fileURLToPath(import.meta.url);

interface Measurement {
  rows: number;
  seconds: number;
  maxRssMiB: number;
  cpuSeconds: number;
}

async function childParse(file: string): Promise<Measurement> {
  const cpu0 = process.cpuUsage();
  const { readLineBatches } = await import("../../ml/data/amazon/read-lines.node.js");
  const { parseBenchmarkCsvHeader, parseBenchmarkCsvRow } = await import("../../ml/data/amazon/index.js");
  const t0 = performance.now();
  let rows = 0;
  let header = null;
  for await (const batch of readLineBatches(file)) {
    for (let i = 0; i < batch.lines.length; i++) {
      if (header === null) {
        const h = parseBenchmarkCsvHeader(batch.lines[i]);
        if (!h.ok) throw new Error(h.detail);
        header = h.value;
        continue;
      }
      if (parseBenchmarkCsvRow(batch.lines[i], header).ok) rows++;
    }
  }
  return finish(rows, t0, cpu0);
}

async function childIngest(file: string, dbPath: string, bulkLoad: boolean): Promise<Measurement> {
  const { createNodeLibsqlClient } = await import("../../src/db/client.node.js");
  const { createDatabase } = await import("../../src/db/database.js");
  const { runMigrations } = await import("../../src/db/migrate.node.js");
  const { ingestFiles } = await import("../../src/ingest/ingest-service.node.js");
  const client = await createNodeLibsqlClient(`file:${dbPath}`);
  const db = createDatabase(client);
  await runMigrations(db);
  const cpu0 = process.cpuUsage(); // migrations and module loading excluded
  const t0 = performance.now();
  const report = await ingestFiles(db, [file], {
    bulkLoad,
    log: (m) => process.stderr.write(`${m}\n`),
    progressIntervalMs: 10_000,
  });
  client.close();
  if (report.totals.inserted !== report.totals.read)
    throw new Error(`inserted ${report.totals.inserted} of ${report.totals.read}`);
  return finish(report.totals.inserted, t0, cpu0);
}

function finish(rows: number, t0: number, cpu0: NodeJS.CpuUsage): Measurement {
  const cpu = process.cpuUsage(cpu0);
  return {
    rows,
    seconds: (performance.now() - t0) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

function runChild(args: string[]): Measurement {
  const r = spawnSync(process.execPath, ["--import", "tsx", self, "--child", ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.status !== 0) throw new Error(`child ${args.join(" ")} failed with ${r.status}`);
  const last = r.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as Measurement;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    allowPositionals: true,
    options: {
      child: { type: "string" },
      ratings: { type: "string" },
      runs: { type: "string" },
      dir: { type: "string" },
      "skip-ratings": { type: "boolean" },
      incremental: { type: "boolean" },
    },
  });
  const { positionals } = parseArgs({ allowPositionals: true, strict: false });
  if (values.child) {
    const files = positionals.filter((p) => p !== values.child);
    const m =
      values.child === "parse"
        ? await childParse(files[0])
        : await childIngest(files[0], files[1], values.child === "ingest");
    console.log(JSON.stringify(m));
    return;
  }
  const target = Number(values.ratings ?? 5_000_000);
  const runs = Number(values.runs ?? 3);
  const dir = resolve(values.dir ?? "data/bench");
  mkdirSync(dir, { recursive: true });
  const perUser = 17;
  const dataDir = join(dir, `ratings-${target}`);
  const csv = join(dataDir, "Electronics.csv");
  if (!existsSync(csv)) {
    const { generateDemoFiles } = await import("../../src/demo/write-demo.node.js");
    const g = await generateDemoFiles({
      items: Math.max(1_000, Math.round(target / 25)),
      users: Math.ceil((target / perUser) * 1.03),
      seed: 2023,
      ratingsPerUser: perUser,
      outDir: dataDir,
      interactions: "csv",
      log: (m) => process.stderr.write(`${m}\n`),
    });
    if (g.ratings < target) throw new Error(`generated ${g.ratings} < ${target} ratings; raise users`);
  }
  const meta = join(dataDir, "meta_Electronics.jsonl");
  process.stderr.write(
    `[bench] ${csv} (${(statSync(csv).size / 2 ** 20).toFixed(0)} MiB), ${meta} (${(statSync(meta).size / 2 ** 20).toFixed(0)} MiB), ${runs} runs\n`,
  );
  const passes: { name: string; child: string; file: string }[] = [];
  if (!values["skip-ratings"]) {
    passes.push({ name: "ratings: parse only (read + parse)", child: "parse", file: csv });
    passes.push({ name: "ratings: ingest (bulk path, empty DB)", child: "ingest", file: csv });
    if (values.incremental)
      passes.push({ name: "ratings: ingest (incremental path)", child: "ingest-incremental", file: csv });
  }
  passes.push({ name: "meta: ingest (bulk path, empty DB)", child: "ingest", file: meta });
  if (values.incremental)
    passes.push({ name: "meta: ingest (incremental path)", child: "ingest-incremental", file: meta });
  const results = passes.map(() => [] as Measurement[]);
  for (let r = 0; r < runs; r++) {
    for (const [k, pass] of passes.entries()) {
      const db = join(dir, "bench.db");
      for (const suffix of ["", "-wal", "-shm"]) rmSync(db + suffix, { force: true });
      results[k].push(runChild(pass.child === "parse" ? ["parse", pass.file] : [pass.child, pass.file, db]));
      process.stderr.write(`[bench] run ${r + 1} ${pass.name}: ${JSON.stringify(results[k][r])}\n`);
    }
  }
  const row = (name: string, ms: Measurement[]) =>
    `| ${name} | ${ms[0].rows} | ${median(ms.map((m) => m.seconds)).toFixed(1)} | ${Math.round(median(ms.map((m) => m.rows / m.seconds)))} | ` +
    `${median(ms.map((m) => m.cpuSeconds)).toFixed(1)} | ${Math.round(median(ms.map((m) => m.rows / m.cpuSeconds)))} | ` +
    `${Math.max(...ms.map((m) => m.maxRssMiB)).toFixed(0)} | ${ms.map((m) => `${Math.round(m.rows / m.seconds)} / ${Math.round(m.rows / m.cpuSeconds)}`).join(", ")} |`;
  console.log(
    [
      `| pass | rows | median wall s | median rows/s (wall) | median CPU s | median rows per CPU-s | peak RSS MiB (max) | per run: rows/s wall / per CPU-s |`,
      `|---|---|---|---|---|---|---|---|`,
      ...passes.map((p, k) => row(p.name, results[k])),
    ].join("\n"),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
