import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "../db/database";
import { products } from "../db/schema/catalog";
import { ingestFiles } from "../ingest/ingest-service.node.js";
import type { IngestRunReport } from "../ingest/report";
import { demoEndOfTime } from "./catalog";
import { generateDemoFiles, type GenerateDemoOptions } from "./write-demo.node.js";

export interface EnsureDemoOptions {
  /** Where the demo files go (default `data/demo`). */
  dir?: string;
  items?: number;
  users?: number;
  ratingsPerUser?: number;
  seed?: number;
  /** End of the demo timeline (Unix ms); default: today 00:00 UTC, so every date is in the past. */
  endMs?: number;
  log?: (message: string) => void;
}

export type EnsureDemoResult =
  | { status: "skipped"; reason: "products_present" }
  | {
      status: "loaded";
      dir: string;
      generated: boolean;
      items: number;
      users: number;
      ratings: number;
      ingest: IngestRunReport;
      durationMs: number;
    };

/**
 * Loads the demo catalog when the products table is empty: generates it into `dir` (reusing files generated
 * earlier with the same options) and ingests meta then reviews. Defaults: 5,000 items, 2,000 users, ~60k ratings
 * with review text, seed 42.
 */
export async function ensureDemoData(db: Database, options: EnsureDemoOptions = {}): Promise<EnsureDemoResult> {
  const started = performance.now();
  const any = await db.select({ id: products.id }).from(products).limit(1).get();
  if (any) return { status: "skipped", reason: "products_present" };
  const dir = options.dir ?? "data/demo";
  const gen: GenerateDemoOptions = {
    items: options.items ?? 5_000,
    users: options.users ?? 2_000,
    ratingsPerUser: options.ratingsPerUser ?? 30,
    seed: options.seed ?? 42,
    outDir: dir,
    interactions: "reviews",
    endMs: options.endMs ?? demoEndOfTime(Date.now()),
    log: options.log,
  };
  // Files are reused only if they came from exactly these options (a stamp records them).
  const stampPath = join(dir, "demo.json");
  const wanted = JSON.stringify({
    items: gen.items,
    users: gen.users,
    ratingsPerUser: gen.ratingsPerUser,
    seed: gen.seed,
    interactions: gen.interactions,
    endMs: gen.endMs,
  });
  const metaFile = join(dir, "meta_Electronics.jsonl");
  const reviewsFile = join(dir, "Electronics.jsonl");
  let generated = false;
  let ratings: number | null = null;
  const stamp = existsSync(stampPath) ? readFileSync(stampPath, "utf8") : null;
  if (!(stamp && JSON.parse(stamp).options === wanted && existsSync(metaFile) && existsSync(reviewsFile))) {
    const g = await generateDemoFiles(gen);
    ratings = g.ratings;
    writeFileSync(stampPath, JSON.stringify({ options: wanted, ratings: g.ratings }));
    generated = true;
  } else {
    ratings = Number(JSON.parse(stamp).ratings);
  }
  const ingest = await ingestFiles(db, [metaFile, reviewsFile], { log: options.log });
  return {
    status: "loaded",
    dir,
    generated,
    items: gen.items,
    users: gen.users,
    ratings,
    ingest,
    durationMs: performance.now() - started,
  };
}
