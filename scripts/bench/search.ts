/**
 * `npm run bench:search [-- --items 5000 --reps 15 --data ../shared/datasets --out bench-out/search.json]`
 *
 * Search relevance and latency, bm25 alone ("before") against the blended ranking ("after"), in one run on
 * the same databases, on the judged query set of scripts/lib/search-eval/judgments.ts:
 *   - Electronics: the demo catalog as `npm start` loads it (--items products, seed 42), judged by category path;
 *   - All Beauty: the real `items_meta.processed.csv` + 5-core ratings from ../shared/datasets, judged by rules.
 * Reports NDCG@10 per half and overall, and first-page latency (listProducts on the embedded libSQL file,
 * search head lists built as after an ingest) p50/p99 per mode, modes interleaved query by query.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createNodeLibsqlClient } from "../../src/db/client.node.js";
import { createDatabase, type Database } from "../../src/db/database";
import { runMigrations } from "../../src/db/migrate.node.js";
import { generateDemoFiles } from "../../src/demo/write-demo.node.js";
import { ingestFiles } from "../../src/ingest/ingest-service.node.js";
import { listProducts } from "../../src/services/catalog/products";
import { refreshSearchHeads } from "../../src/services/catalog/search-heads";
import {
  beautyQueries,
  electronicsQueries,
  ndcgAt,
  type JudgedProduct,
  type JudgedQuery,
} from "../lib/search-eval/judgments";

const { values } = parseArgs({
  options: {
    items: { type: "string", default: "5000" },
    reps: { type: "string", default: "15" },
    data: { type: "string", default: "../shared/datasets" },
    out: { type: "string", default: "bench-out/search.json" },
    /** bm25 candidates the blend re-orders (default: the product's, BLEND_WINDOW in products.ts). */
    window: { type: "string" },
  },
});
const items = Number(values.items);
const reps = Number(values.reps);
const K = 10;
const blendWindow = values.window === undefined ? undefined : Number(values.window);
const say = (m: string) => process.stderr.write(`[bench:search] ${m}\n`);

async function openDb(dir: string): Promise<{ db: Database; close: () => void }> {
  const client = await createNodeLibsqlClient(`file:${join(dir, "search.db")}`);
  const db = createDatabase(client);
  await runMigrations(db);
  return { db, close: () => client.close() };
}

async function allProducts(db: Database): Promise<JudgedProduct[]> {
  const rs = await db.$client.execute("SELECT parent_asin, title, category_path FROM products");
  return rs.rows.map((r) => ({
    id: String(r.parent_asin),
    title: String(r.title),
    categoryPath: (r.category_path as string | null) ?? null,
  }));
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

interface HalfResult {
  name: string;
  products: number;
  queries: { q: string; bm25: number; blended: number; top3Blended: string[] }[];
  ndcg: { bm25: number; blended: number };
  latencyMs: Record<"bm25" | "blended", { p50: number; p99: number }>;
}

async function evaluate(name: string, db: Database, queries: JudgedQuery[]): Promise<HalfResult> {
  const products = await allProducts(db);
  const byId = new Map(products.map((p) => [p.id, p]));
  const rows: HalfResult["queries"] = [];
  for (const jq of queries) {
    const grades = products.map((p) => jq.grade(p));
    const run = async (blend: boolean) =>
      (await listProducts(db, { q: jq.q, limit: K }, { blend, blendWindow })).items.map((i) => i.id);
    const [plain, blended] = [await run(false), await run(true)];
    const g = (ids: string[]) => ids.map((id) => jq.grade(byId.get(id)!));
    rows.push({
      q: jq.q,
      bm25: round(ndcgAt(K, g(plain), grades)),
      blended: round(ndcgAt(K, g(blended), grades)),
      top3Blended: blended.slice(0, 3).map((id) => byId.get(id)!.title.slice(0, 70)),
    });
  }
  const mean = (k: "bm25" | "blended") => round(rows.reduce((s, r) => s + r[k], 0) / rows.length);
  const times: Record<"bm25" | "blended", number[]> = { bm25: [], blended: [] };
  for (let r = 0; r < reps; r++) {
    for (const jq of queries) {
      for (const blend of r % 2 ? [true, false] : [false, true]) {
        const t0 = performance.now();
        await listProducts(db, { q: jq.q, limit: K }, { blend, blendWindow });
        times[blend ? "blended" : "bm25"].push(performance.now() - t0);
      }
    }
  }
  const lat = (xs: number[]) => ({ p50: round(pct(xs, 50), 2), p99: round(pct(xs, 99), 2) });
  return {
    name,
    products: products.length,
    queries: rows,
    ndcg: { bm25: mean("bm25"), blended: mean("blended") },
    latencyMs: { bm25: lat(times.bm25), blended: lat(times.blended) },
  };
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "bench-search-"));
  try {
    say(`generating the demo catalog (${items} items) and ingesting it`);
    const demoDir = join(work, "demo");
    mkdirSync(demoDir);
    // a fixed past end date: the same bytes on every run
    const gen = await generateDemoFiles({
      items,
      users: Math.round(items * 0.4),
      ratingsPerUser: 30,
      seed: 42,
      outDir: demoDir,
      interactions: "reviews",
      endMs: Date.UTC(2026, 0, 1),
    });
    const electronics = await openDb(demoDir);
    await ingestFiles(electronics.db, [gen.metaFile, gen.reviewsFile!]);
    await refreshSearchHeads(electronics.db);

    const beautyDir = resolve(values.data, "amazon-2023/All_Beauty");
    say(`ingesting real All_Beauty metadata and ratings from ${beautyDir}`);
    const beautyWork = join(work, "beauty");
    mkdirSync(beautyWork);
    const beauty = await openDb(beautyWork);
    await ingestFiles(beauty.db, [
      join(beautyDir, "items_meta.processed.csv"),
      join(beautyDir, "5core/rating_only/All_Beauty.csv"),
    ]);
    await refreshSearchHeads(beauty.db);

    const halves = [
      await evaluate("Electronics (demo catalog, judged by category path)", electronics.db, electronicsQueries),
      await evaluate("All Beauty (real metadata, judged by title rules)", beauty.db, beautyQueries),
    ];
    electronics.close();
    beauty.close();
    const n = halves.reduce((s, h) => s + h.queries.length, 0);
    const overall = (k: "bm25" | "blended") =>
      round(halves.reduce((s, h) => s + h.queries.reduce((t, q) => t + q[k], 0), 0) / n);
    const result = {
      date: new Date().toISOString(),
      k: K,
      blendWindow: blendWindow ?? "default",
      queries: n,
      ndcg: { bm25: overall("bm25"), blended: overall("blended") },
      halves,
    };
    mkdirSync(dirname(values.out), { recursive: true });
    writeFileSync(values.out, JSON.stringify(result, null, 2));
    console.log(`NDCG@${K} over ${n} judged queries: bm25 ${result.ndcg.bm25} -> blended ${result.ndcg.blended}`);
    for (const h of halves) {
      console.log(
        `  ${h.name}, ${h.products} products, ${h.queries.length} queries: NDCG@${K} ${h.ndcg.bm25} -> ${h.ndcg.blended}; ` +
          `first page p50/p99 ${h.latencyMs.bm25.p50}/${h.latencyMs.bm25.p99} ms -> ${h.latencyMs.blended.p50}/${h.latencyMs.blended.p99} ms`,
      );
    }
    for (const h of halves)
      for (const q of h.queries) console.log(`    ${q.q.padEnd(28)} ${q.bm25.toFixed(3)} -> ${q.blended.toFixed(3)}`);
    console.log(`details: ${values.out}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
