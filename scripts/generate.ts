/**
 * Writes a deterministic demo Electronics data set in the official Amazon Reviews 2023 formats.
 *   npm run generate -- --items N --users N --seed S --out dir [--ratings-per-user M] [--interactions reviews|csv|both]
 *     [--end YYYY-MM-DD]   (latest date in the data; default today, so nothing is dated in the future)
 * Then: npm run ingest -- <dir>/meta_Electronics.jsonl <dir>/Electronics.jsonl
 */
import { parseArgs } from "node:util";
import { generateDemoFiles } from "../src/demo/write-demo.node.js";

function positiveInt(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${v}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      items: { type: "string" },
      users: { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
      "ratings-per-user": { type: "string" },
      interactions: { type: "string" },
      end: { type: "string" },
    },
  });
  const interactions = values.interactions ?? "both";
  if (interactions !== "reviews" && interactions !== "csv" && interactions !== "both")
    throw new Error("--interactions must be reviews, csv or both");
  const endMs = values.end === undefined ? undefined : Date.parse(`${values.end}T00:00:00Z`);
  if (endMs !== undefined && (!Number.isFinite(endMs) || endMs > Date.now()))
    throw new Error(`--end must be a past date as YYYY-MM-DD, got "${values.end}"`);
  const r = await generateDemoFiles({
    endMs,
    items: Math.max(1, positiveInt("items", values.items, 5_000)),
    users: positiveInt("users", values.users, 2_000),
    seed: positiveInt("seed", values.seed, 42),
    ratingsPerUser: Math.max(1, positiveInt("ratings-per-user", values["ratings-per-user"], 30)),
    outDir: values.out ?? "data/demo",
    interactions,
    log: (m) => process.stderr.write(`${m}\n`),
  });
  console.log(JSON.stringify(r));
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
