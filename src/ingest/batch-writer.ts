import type { Client, Transaction } from "@libsql/client";
import type { AmazonRecord, BenchmarkRating, RawMeta, RawReview } from "../../ml/data/amazon";
import { InteractionStage } from "./interaction-stage";
import { ProductBulkStage } from "./product-bulk-stage";
import { writeProducts, type ProductCounts } from "./product-writer";
import { addTableCounts, recordSkip, type FileReport } from "./report";
import type { SchemaObjects } from "./schema-objects";

interface Pending {
  ratings: BenchmarkRating[];
  reviews: RawReview[];
  metas: RawMeta[];
  lineNumbers: number[];
}

function emptyPending(): Pending {
  return { ratings: [], reviews: [], metas: [], lineNumbers: [] };
}

/**
 * Merge the interaction stage into `reviews` whenever it holds this many rows: bounds the stage's temp file
 * (~70 bytes a rating) while keeping merges few, since each big merge re-sorts the whole item index (a 5M-row
 * file merged as 4M + 1.2M spent 49 s rebuilding the index a second time).
 */
const MERGE_EVERY_ROWS = 20_000_000;

/**
 * Metadata records are ~50x a rating (a parsed product and its row values are several KB), so a 20k-record batch
 * held ~200 MB of JS heap at once and peak RSS grew past 480 MiB at 100k products. Flushing metadata every 2,500
 * records bounds the heap; per-transaction overhead is negligible at that size.
 */
const META_BATCH_ROWS = 2_500;

/**
 * Buffers parsed records and writes each full batch in one write transaction (Web-standard: usable from any
 * line source). Metadata upserts products directly, or, when products is empty, goes through a ProductBulkStage
 * loaded at `finish()`; ratings and reviews go through an InteractionStage that is merged at `finish()` (and every
 * few million rows). A batch the database rejects is rolled back and retried one
 * record per transaction, so a bad row is reported with its line number and never aborts the run or leaves a
 * partial write behind.
 */
export class IngestBatchWriter {
  private pending = emptyPending();
  private size = 0;
  private stage: InteractionStage | null = null;
  /** undefined until the file's first metadata batch decides between the bulk stage (empty tables) and upserts. */
  private productStage: ProductBulkStage | null | undefined = undefined;

  constructor(
    private readonly client: Client,
    private readonly report: FileReport,
    private readonly batchSize: number,
    private readonly now: number,
    private readonly log?: (message: string) => void,
    /** Index/trigger definitions from the migrations (re-created after bulk loads and index rebuilds). */
    private readonly schema?: SchemaObjects,
    /** Load metadata into empty products through ProductBulkStage (needs `schema`). */
    private readonly bulkLoad = true,
  ) {}

  /** Flushes the last batch, merges staged interactions and drops the stage. */
  async finish(): Promise<void> {
    await this.flush();
    if (this.productStage && this.schema) {
      try {
        const c = await this.productStage.load(this.schema, this.log);
        this.countProducts(c);
      } finally {
        await this.productStage.close();
        this.productStage = undefined;
      }
    }
    if (!this.stage) return;
    try {
      await this.mergeStage();
    } finally {
      await this.stage.close();
      this.stage = null;
    }
  }

  private async mergeStage(): Promise<void> {
    if (!this.stage) return;
    const staged = this.stage.stagedRows;
    const c = await this.stage.merge(this.now, this.log, this.schema);
    this.report.inserted += c.reviews.inserted;
    this.report.updated += c.reviews.updated;
    this.report.unchanged += staged - c.reviews.inserted - c.reviews.updated;
    addTableCounts(this.report, "reviews", c.reviews);
    addTableCounts(this.report, "reviewers", c.reviewers);
  }

  private async stageFor(kind: "rating" | "review"): Promise<InteractionStage> {
    if (this.stage && this.stage.kind !== kind) await this.finish();
    this.stage ??= await InteractionStage.open(this.client, kind);
    return this.stage;
  }

  /** Queues one record; writes the batch when it is full. */
  async add(record: AmazonRecord, lineNumber: number): Promise<void> {
    if (record.kind === "rating") this.pending.ratings.push(record.value);
    else if (record.kind === "review") this.pending.reviews.push(record.value);
    else this.pending.metas.push(record.value);
    this.pending.lineNumbers.push(lineNumber);
    if (++this.size >= this.batchSize || this.pending.metas.length >= META_BATCH_ROWS) await this.flush();
  }

  /** Writes whatever is queued. */
  async flush(): Promise<void> {
    if (this.size === 0) return;
    const batch = this.pending;
    this.pending = emptyPending();
    this.size = 0;
    if (batch.ratings.length > 0) await this.stageFor("rating");
    if (batch.reviews.length > 0) await this.stageFor("review");
    if (batch.metas.length > 0 && this.productStage === undefined) {
      this.productStage = this.schema && this.bulkLoad ? await ProductBulkStage.openIfEmpty(this.client) : null;
    }
    try {
      await this.inTransaction((tx) => this.write(tx, batch));
    } catch {
      await this.retryOneByOne(batch);
    }
    if (this.stage && this.stage.stagedRows >= MERGE_EVERY_ROWS) await this.mergeStage();
  }

  /** Runs `fn` in a write transaction; its returned callback (report counts) runs only after the commit. */
  private async inTransaction(fn: (tx: Transaction) => Promise<() => void>): Promise<void> {
    const tx = await this.client.transaction("write");
    try {
      const applyCounts = await fn(tx);
      await tx.commit();
      applyCounts();
    } finally {
      tx.close(); // rolls back if commit was not reached
    }
  }

  private async write(tx: Transaction, b: Pending): Promise<() => void> {
    const apply: (() => void)[] = [];
    if (b.ratings.length > 0) await this.stage?.addRatings(tx, b.ratings);
    if (b.reviews.length > 0) await this.stage?.addReviews(tx, b.reviews);
    if (b.metas.length > 0 && this.productStage) await this.productStage.add(tx, b.metas, this.now);
    else if (b.metas.length > 0) {
      const c = await writeProducts(tx, b.metas, this.now);
      apply.push(() => this.countProducts(c));
    }
    return () => {
      for (const f of apply) f();
    };
  }

  private countProducts(c: ProductCounts): void {
    this.report.inserted += c.products.inserted;
    this.report.updated += c.products.updated;
    this.report.unchanged += c.unchanged;
    addTableCounts(this.report, "products", c.products);
    addTableCounts(this.report, "product_categories", c.productCategories);
  }

  private async retryOneByOne(b: Pending): Promise<void> {
    const records: { one: Pending; line: number }[] = [];
    let k = 0;
    for (const r of b.ratings) records.push({ one: { ...emptyPending(), ratings: [r] }, line: b.lineNumbers[k++] });
    for (const r of b.reviews) records.push({ one: { ...emptyPending(), reviews: [r] }, line: b.lineNumbers[k++] });
    for (const m of b.metas) records.push({ one: { ...emptyPending(), metas: [m] }, line: b.lineNumbers[k++] });
    for (const { one, line } of records) {
      try {
        await this.inTransaction((tx) => this.write(tx, one));
      } catch (e) {
        recordSkip(this.report, {
          lineNumber: line,
          reason: "db_error",
          detail: e instanceof Error ? e.message : String(e),
        });
      }
    }
  }
}
