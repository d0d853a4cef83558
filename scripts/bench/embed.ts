/**
 * `npm run bench:embed [-- --items 1000 --runs 3 --feed-trials 2 --skip-feed]`
 *
 * 1. Re-embedding: `reembedNewItems` over --items new products (the demo catalog generator's titles,
 *    categories and features) with the offline encoder (Universal Sentence Encoder lite, tfjs CPU), into
 *    item_embeddings on a libSQL file and an in-process vector index. The model is loaded first (its load is
 *    reported apart); each run starts with no stored embedding. Median and range over --runs. Target: 1,000
 *    items <= 30 s.
 * 2. Time to feed: the real Node server (`src/server/node.ts`, a child process, default LEARNER=on and its
 *    60 s tick) over the same database; the bench adds a product and an active listing for it straight into
 *    the database (as `npm run ingest` and another server process would), then polls
 *    GET /v1/products/{id}/recommendations (until 200) and the anonymous feed (until the product is in it).
 *    Target: <= 60 s.
 * Writes bench-out/embed.json.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { UniversalSentenceEncoderEmbedder } from "../../src/adapters/embedder/universal-sentence-encoder.node.js";
import { MemoryVectorIndex } from "../../src/adapters/vector-index/memory";
import { createNodeLibsqlClient } from "../../src/db/client.node.js";
import { createDatabase } from "../../src/db/database";
import { runMigrations } from "../../src/db/migrate.node.js";
import { ensureDemoData } from "../../src/demo/ensure-demo.node.js";
import { reembedNewItems } from "../../src/recsys/embeddings/reembed";
import { startNodeServer } from "../lib/server-process";

const { values } = parseArgs({
  options: {
    items: { type: "string", default: "1000" },
    runs: { type: "string", default: "3" },
    "feed-trials": { type: "string", default: "2" },
    "skip-feed": { type: "boolean", default: false },
    out: { type: "string", default: "bench-out/embed.json" },
  },
});
const items = Number(values.items);
const runs = Number(values.runs);
const trials = Number(values["feed-trials"]);
const dir = `data/bench/embed-${items}`;
const dbUrl = `file:${dir}/bench.db`;
const log = (msg: string): void => console.error(`[bench:embed] ${msg}`);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function reembedBench() {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const client = await createNodeLibsqlClient(dbUrl);
  const db = createDatabase(client);
  await runMigrations(db);
  await ensureDemoData(db, { dir: `${dir}/demo`, items, users: 200, ratingsPerUser: 10, log: () => {} });
  const n = Number((await client.execute("SELECT count(*) AS n FROM products")).rows[0].n);
  const embedder = new UniversalSentenceEncoderEmbedder();
  const t0 = performance.now();
  await embedder.embed(["warm up"]);
  const loadMs = Math.round(performance.now() - t0);
  log(`${n} products; offline encoder loaded in ${loadMs} ms`);
  const times: number[] = [];
  const cpu: number[] = [];
  let textChars = 0;
  for (let r = 0; r < runs; r++) {
    await client.execute("DELETE FROM item_embeddings");
    const index = new MemoryVectorIndex();
    const t = performance.now();
    const c0 = process.cpuUsage();
    const report = await reembedNewItems({ client, embedder, index, now: Date.now }, { maxItems: n, batchSize: 16 });
    const ms = performance.now() - t;
    const used = process.cpuUsage(c0);
    cpu.push((used.user + used.system) / 1000);
    if (report.embedded !== n || (await index.describe(report.collection))?.count !== n)
      throw new Error(`run ${r}: embedded ${report.embedded} of ${n}`);
    times.push(ms);
    log(
      `run ${r + 1}/${runs}: ${n} items in ${(ms / 1000).toFixed(1)} s wall, ${(cpu[r] / 1000).toFixed(1)} s CPU ` +
        `(${(ms / n).toFixed(1)} ms/item; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`,
    );
  }
  const texts = await client.execute("SELECT avg(length(title)) AS t FROM products");
  textChars = Math.round(Number(texts.rows[0].t));
  client.close();
  return {
    items: n,
    runs,
    modelLoadMs: loadMs,
    medianSeconds: Math.round(median(times) / 100) / 10,
    minSeconds: Math.round(Math.min(...times) / 100) / 10,
    maxSeconds: Math.round(Math.max(...times) / 100) / 10,
    msPerItem: Math.round((median(times) / n) * 10) / 10,
    /** Process CPU time (all threads: tfjs is single-threaded here): what the run costs on an idle core. */
    medianCpuSeconds: Math.round(median(cpu) / 100) / 10,
    loadAverage: loadavg()[0],
    meanTitleChars: textChars,
    targetSeconds: 30,
  };
}

async function timeToFeed() {
  const server = await startNodeServer({
    DATABASE_URL: dbUrl,
    NODE_ENV: "development",
    DEMO_DATA: "false",
    MODEL_REGISTRY: "libsql",
    LEARNER: "on",
    WEB_CONCURRENCY: "1",
  });
  const client = await createNodeLibsqlClient(dbUrl);
  const results: { trial: number; recommendationsSeconds: number; feedSeconds: number; source: string[] }[] = [];
  try {
    const cat = await client.execute(
      "SELECT category_path, categories FROM products WHERE category_path IS NOT NULL LIMIT 1",
    );
    await client.execute({
      sql: "INSERT OR IGNORE INTO user (id, name, email, created_at, updated_at) VALUES ('bench-seller', 'Bench', 'bench-seller@x.test', ?, ?)",
      args: [Date.now(), Date.now()],
    });
    for (let k = 0; k < trials; k++) {
      // A random phase against the server's 60 s tick.
      await new Promise((r) => setTimeout(r, 5_000 + Math.random() * 20_000));
      const id = `BENCHNEW${Date.now().toString(36).toUpperCase()}`;
      const now = Date.now();
      await client.batch(
        [
          {
            sql: `INSERT INTO products (parent_asin, title, category_path, categories, features, price, created_at, updated_at)
                  VALUES (?, ?, ?, ?, ?, 129.0, ?, ?)`,
            args: [
              id,
              `Refurbished wireless noise cancelling headphones, trial ${k}`,
              cat.rows[0].category_path,
              cat.rows[0].categories,
              JSON.stringify(["40 h battery", "USB-C charging"]),
              now,
              now,
            ],
          },
          {
            sql: `INSERT INTO listings (id, seller_id, parent_asin, condition, price_minor, currency, status, created_at, updated_at)
                  VALUES (?, 'bench-seller', ?, 'like_new', 8900, 'USD', 'active', ?, ?)`,
            args: [`L-${id}`, id, now, now],
          },
        ],
        "write",
      );
      let recsAt = 0;
      let feedAt = 0;
      let source: string[] = [];
      while ((!recsAt || !feedAt) && Date.now() - now < 180_000) {
        if (!recsAt && (await fetch(`${server.url}/v1/products/${id}/recommendations`)).status === 200)
          recsAt = Date.now();
        if (!feedAt) {
          const session = `sess-${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
          let cursor: string | null = null;
          for (let page = 0; page < 10 && !feedAt; page++) {
            const res = await fetch(`${server.url}/v1/feed?limit=50${cursor ? `&cursor=${cursor}` : ""}`, {
              headers: { "x-session-id": session },
            });
            if (!res.ok) break;
            const body = (await res.json()) as {
              items: { productId: string; sources: string[] }[];
              nextCursor: string | null;
            };
            const hit = body.items.find((i) => i.productId === id);
            if (hit) {
              feedAt = Date.now();
              source = hit.sources;
            }
            cursor = body.nextCursor;
            if (!cursor) break;
          }
        }
        if (!recsAt || !feedAt) await new Promise((r) => setTimeout(r, 500));
      }
      const row = {
        trial: k + 1,
        recommendationsSeconds: recsAt ? Math.round((recsAt - now) / 100) / 10 : Number.NaN,
        feedSeconds: feedAt ? Math.round((feedAt - now) / 100) / 10 : Number.NaN,
        source,
      };
      log(
        `time to feed, trial ${k + 1}: recommendations ${row.recommendationsSeconds} s, feed ${row.feedSeconds} s (${source.join("+")})`,
      );
      results.push(row);
    }
  } finally {
    client.close();
    await server.stop();
  }
  return {
    trials: results,
    maxSeconds: Math.max(...results.map((r) => Math.max(r.recommendationsSeconds, r.feedSeconds))),
    targetSeconds: 60,
  };
}

async function main() {
  const reembed = await reembedBench();
  const feed = values["skip-feed"] ? null : await timeToFeed();
  const out = { at: new Date().toISOString(), reembed, timeToFeed: feed };
  mkdirSync("bench-out", { recursive: true });
  writeFileSync(values.out ?? "bench-out/embed.json", `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
