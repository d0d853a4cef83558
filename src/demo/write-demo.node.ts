import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { DemoCatalog, demoEndOfTime } from "./catalog";
import { userInteractions, reviewRecord } from "./interactions";
import { metaRecord, type ItemStats } from "./meta-record";

export interface GenerateDemoOptions {
  items: number;
  users: number;
  seed: number;
  /** Mean ratings per user (log-normal spread). */
  ratingsPerUser: number;
  outDir: string;
  /** Interactions as raw review JSONL (`Electronics.jsonl`), benchmark CSV (`Electronics.csv`), or both. */
  interactions: "reviews" | "csv" | "both";
  /** Latest date any record may carry (Unix ms); default: today 00:00 UTC. Same options + same end = same bytes. */
  endMs?: number;
  log?: (message: string) => void;
}

export interface GeneratedDemo {
  metaFile: string;
  reviewsFile: string | null;
  ratingsCsvFile: string | null;
  items: number;
  users: number;
  ratings: number;
  durationMs: number;
}

/** Buffered writer with backpressure: memory stays at one buffer plus the stream's high-water mark. */
class LineSink {
  private buf: string[] = [];
  private size = 0;
  private readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path, { highWaterMark: 1 << 20 });
  }

  async write(line: string): Promise<void> {
    this.buf.push(line);
    this.size += line.length + 1;
    if (this.size >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const chunk = `${this.buf.join("\n")}\n`;
    this.buf = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once("drain", resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
}

/**
 * Writes a demo Electronics data set in the official formats: interactions first (user by user, each user's rows
 * in time order, like the official files), accumulating per-item rating stats, then `meta_Electronics.jsonl` whose
 * average_rating / rating_number agree with them. Streams to disk: memory is the catalog's compact arrays.
 */
export async function generateDemoFiles(o: GenerateDemoOptions): Promise<GeneratedDemo> {
  const started = performance.now();
  mkdirSync(o.outDir, { recursive: true });
  const catalog = new DemoCatalog(o.items, o.seed, o.endMs ?? demoEndOfTime(Date.now()));
  const stats: ItemStats = { ratingSum: new Float64Array(o.items), ratingCount: new Uint32Array(o.items) };
  const reviewsFile = o.interactions !== "csv" ? join(o.outDir, "Electronics.jsonl") : null;
  const ratingsCsvFile = o.interactions !== "reviews" ? join(o.outDir, "Electronics.csv") : null;
  const reviews = reviewsFile ? new LineSink(reviewsFile) : null;
  const csv = ratingsCsvFile ? new LineSink(ratingsCsvFile) : null;
  await csv?.write("user_id,parent_asin,rating,timestamp");
  let ratings = 0;
  let lastLog = performance.now();
  for (let u = 0; u < o.users; u++) {
    for (const x of userInteractions(catalog, u, o.ratingsPerUser)) {
      stats.ratingSum[x.item] += x.rating;
      stats.ratingCount[x.item]++;
      ratings++;
      if (csv) await csv.write(`${x.userId},${catalog.parentAsin(x.item)},${x.rating}.0,${x.timestamp}`);
      if (reviews) await reviews.write(JSON.stringify(reviewRecord(catalog, x)));
    }
    if (o.log && performance.now() - lastLog > 2_000) {
      lastLog = performance.now();
      o.log(
        `[generate] users ${u + 1}/${o.users}, ${ratings} ratings, ${Math.round(ratings / ((lastLog - started) / 1000))} ratings/s`,
      );
    }
  }
  await csv?.close();
  await reviews?.close();
  const metaFile = join(o.outDir, "meta_Electronics.jsonl");
  const meta = new LineSink(metaFile);
  for (let i = 0; i < o.items; i++) await meta.write(JSON.stringify(metaRecord(catalog, i, stats)));
  await meta.close();
  const durationMs = performance.now() - started;
  o.log?.(
    `[generate] ${o.items} items, ${o.users} users, ${ratings} ratings in ${(durationMs / 1000).toFixed(1)} s -> ${o.outDir}`,
  );
  return { metaFile, reviewsFile, ratingsCsvFile, items: o.items, users: o.users, ratings, durationMs };
}
