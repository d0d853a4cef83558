/**
 * `npm run bench:catalog [-- --items 100000 --runs 3 --requests 2000]`
 *
 * Catalog list and full-text search at N products on the embedded default (libSQL file), through the
 * real Node server over loopback HTTP. For each scenario: sequential latency (one request in flight,
 * timed with performance.now, p50/p99 over --requests) and throughput (autocannon, 8 connections).
 * Medians over --runs; /healthz (a `SELECT 1` round trip) is the baseline measured in the same run.
 * Before measuring, the search head lists are brought up to date (as `npm run ingest` leaves them), so the
 * server's background refresh has nothing to do during the run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createClient } from "@libsql/client";
import { createNodeLibsqlClient } from "../../src/db/client.node.js";
import { createDatabase } from "../../src/db/database";
import { runMigrations } from "../../src/db/migrate.node.js";
import { refreshSearchHeads, type RefreshReport } from "../../src/services/catalog/search-heads";
import { median, runLoad } from "../lib/autocannon-run";
import { startNodeServer } from "../lib/server-process";

const { values } = parseArgs({
  options: {
    items: { type: "string", default: "100000" },
    runs: { type: "string", default: "3" },
    requests: { type: "string", default: "2000" },
    duration: { type: "string", default: "5" },
    out: { type: "string", default: "bench-out/catalog.json" },
  },
});
const items = Number(values.items);
const runs = Number(values.runs);
const requests = Number(values.requests);

const dir = `data/bench/catalog-${items}`;
const dbPath = `${dir}/catalog.db`;
const dbUrl = `file:${dbPath}`;

function run(cmd: string, args: string[]) {
  console.error(`[bench] $ ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, DATABASE_URL: dbUrl } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}`);
}

async function prepare() {
  if (existsSync(dbPath)) return;
  mkdirSync(dir, { recursive: true });
  // Catalog-only benchmark: few users/ratings, many products.
  run("npx", [
    "tsx",
    "scripts/generate.ts",
    "--items",
    String(items),
    "--users",
    "2000",
    "--ratings-per-user",
    "5",
    "--seed",
    "7",
    "--out",
    `${dir}/files`,
  ]);
  run("npx", ["tsx", "scripts/ingest.ts", `${dir}/files/meta_Electronics.jsonl`]);
}

/** Migrates and builds the search head lists unless current (an ingest leaves them current; this says which). */
async function ensureHeadLists(): Promise<RefreshReport> {
  const client = await createNodeLibsqlClient(dbUrl);
  try {
    const db = createDatabase(client);
    await runMigrations(db);
    const r = await refreshSearchHeads(db, { log: (m) => console.error(m), pause: async () => {} });
    console.error(
      r.status === "current"
        ? `[bench] search head lists already current at catalog revision ${r.revision}`
        : `[bench] search head lists ${r.status} at catalog revision ${r.revision}: ${r.expressions} lists in ${(r.ms / 1000).toFixed(1)} s`,
    );
    return r;
  } finally {
    client.close();
  }
}

/** Query mixes drawn from the data itself so searches hit real words and filters real categories. */
async function scenarios() {
  const client = createClient({ url: dbUrl });
  const titles = await client.execute("SELECT title FROM products ORDER BY id LIMIT 400");
  const words = [
    ...new Set(
      titles.rows.flatMap(
        (r) =>
          String(r.title)
            .toLowerCase()
            .match(/[a-z]{4,}/g) ?? [],
      ),
    ),
  ].slice(0, 200);
  const cats = await client.execute("SELECT path FROM categories WHERE depth = 2 ORDER BY product_count DESC LIMIT 20");
  const leafCats = await client.execute("SELECT path FROM categories ORDER BY depth DESC, product_count DESC LIMIT 20");
  const count = Number((await client.execute("SELECT count(*) AS n FROM products")).rows[0].n);
  client.close();
  const enc = encodeURIComponent;
  const pick = <T>(xs: T[], n: number) => Array.from({ length: n }, (_, i) => xs[(i * 7919) % xs.length]);
  return {
    count,
    list: {
      baseline: ["/healthz"],
      "list popular": ["/v1/products?limit=20"],
      "list category + price": pick(
        cats.rows.map((r) => String(r.path)),
        50,
      ).map(
        (c, i) =>
          `/v1/products?category=${enc(c)}&min_price=${10 + (i % 5) * 20}&max_price=${400 + (i % 3) * 200}&limit=20`,
      ),
      "list leaf category by rating": pick(
        leafCats.rows.map((r) => String(r.path)),
        50,
      ).map((c) => `/v1/products?category=${enc(c)}&sort=rating&limit=20`),
      "list price_asc": ["/v1/products?sort=price_asc&limit=20"],
      "search 1 word": pick(words, 200).map((w) => `/v1/products?q=${enc(w)}&limit=20`),
      "search 2 words": pick(words, 200).map(
        (w, i) => `/v1/products?q=${enc(`${w} ${words[(i * 31 + 5) % words.length]}`)}&limit=20`,
      ),
      "search + category": pick(words, 200).map(
        (w, i) => `/v1/products?q=${enc(w)}&category=${enc(String(cats.rows[i % cats.rows.length].path))}&limit=20`,
      ),
    } as Record<string, string[]>,
  };
}

async function sequentialLatency(url: string, paths: string[], n: number) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await fetch(url + paths[i % paths.length]);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${paths[i % paths.length]} → ${res.status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n * 0.5)], p99: times[Math.floor(n * 0.99)] };
}

async function main() {
  await prepare();
  const heads = await ensureHeadLists();
  const { count, list } = await scenarios();
  console.error(`[bench] ${count} products in ${dbPath}`);
  const perRun: Record<string, { p50: number; p99: number; rps: number }[]> = {};
  for (let r = 0; r < runs; r++) {
    const server = await startNodeServer({ DATABASE_URL: dbUrl, DEMO_DATA: "false" });
    try {
      for (const [name, paths] of Object.entries(list)) {
        await sequentialLatency(server.url, paths, 100); // warm-up
        const lat = await sequentialLatency(server.url, paths, requests);
        const load = await runLoad({
          name,
          url: server.url,
          paths,
          connections: 8,
          durationSec: Number(values.duration),
        });
        if (load.errors || load.non2xx) throw new Error(`${name}: ${load.errors} errors, ${load.non2xx} non-2xx`);
        (perRun[name] ??= []).push({ ...lat, rps: load.rps });
        console.error(
          `[bench] run ${r + 1}/${runs} ${name}: p50 ${lat.p50.toFixed(2)} ms, p99 ${lat.p99.toFixed(2)} ms, ${load.rps.toFixed(0)} req/s`,
        );
      }
    } finally {
      await server.stop();
    }
  }
  const baseline = median(perRun.baseline.map((x) => x.p50));
  const rows = Object.entries(perRun).map(([name, xs]) => {
    const p50 = median(xs.map((x) => x.p50));
    return {
      name,
      p50,
      p99: median(xs.map((x) => x.p99)),
      rps: median(xs.map((x) => x.rps)),
      p50VsBaseline: p50 / baseline,
    };
  });
  console.log(
    `\nCatalog at ${count} products, medians of ${runs} runs (sequential latency over ${requests} requests; throughput 8 connections):`,
  );
  console.log("| scenario | p50 ms | p99 ms | req/s | p50 / baseline |\n|---|---|---|---|---|");
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.rps.toFixed(0)} | ${r.p50VsBaseline.toFixed(2)} |`,
    );
  mkdirSync("bench-out", { recursive: true });
  writeFileSync(values.out!, JSON.stringify({ items: count, runs, requests, headLists: heads, rows }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
