import type { Client, Transaction } from "@libsql/client";
import type { AmazonRecord, BenchmarkRating, RawMeta, RawReview } from "../data/amazon";
import { writeRatings, writeReviews } from "./interaction-writer";
import { writeProducts } from "./product-writer";
import { addTableCounts, recordSkip, type FileReport } from "./report";

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
 * Buffers parsed records and writes each full batch in one write transaction (Web-standard: usable from any
 * line source). A batch the database rejects is rolled back and retried one record per transaction, so a bad
 * row is reported with its line number and never aborts the run or leaves a partial write behind.
 */
export class IngestBatchWriter {
  private pending = emptyPending();
  private size = 0;

  constructor(
    private readonly client: Client,
    private readonly report: FileReport,
    private readonly batchSize: number,
    private readonly now: number,
  ) {}

  /** Queues one record; writes the batch when it is full. */
  async add(record: AmazonRecord, lineNumber: number): Promise<void> {
    if (record.kind === "rating") this.pending.ratings.push(record.value);
    else if (record.kind === "review") this.pending.reviews.push(record.value);
    else this.pending.metas.push(record.value);
    this.pending.lineNumbers.push(lineNumber);
    if (++this.size >= this.batchSize) await this.flush();
  }

  /** Writes whatever is queued. */
  async flush(): Promise<void> {
    if (this.size === 0) return;
    const batch = this.pending;
    this.pending = emptyPending();
    this.size = 0;
    try {
      await this.inTransaction((tx) => this.write(tx, batch));
    } catch {
      await this.retryOneByOne(batch);
    }
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
    if (b.ratings.length > 0) {
      const c = await writeRatings(tx, b.ratings, this.now);
      apply.push(() => this.countInteractions(c.reviews.inserted, c.reviews.updated, b.ratings.length, c.reviewers.inserted));
    }
    if (b.reviews.length > 0) {
      const c = await writeReviews(tx, b.reviews, this.now);
      apply.push(() => this.countInteractions(c.reviews.inserted, c.reviews.updated, b.reviews.length, c.reviewers.inserted));
    }
    if (b.metas.length > 0) {
      const c = await writeProducts(tx, b.metas, this.now);
      apply.push(() => {
        this.report.inserted += c.products.inserted;
        this.report.updated += c.products.updated;
        this.report.unchanged += c.unchanged;
        addTableCounts(this.report, "products", c.products);
        addTableCounts(this.report, "product_categories", c.productCategories);
      });
    }
    return () => {
      for (const f of apply) f();
    };
  }

  private countInteractions(inserted: number, updated: number, total: number, reviewersInserted: number): void {
    this.report.inserted += inserted;
    this.report.updated += updated;
    this.report.unchanged += total - inserted - updated;
    addTableCounts(this.report, "reviews", { inserted, updated });
    addTableCounts(this.report, "reviewers", { inserted: reviewersInserted, updated: 0 });
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
        recordSkip(this.report, { lineNumber: line, reason: "db_error", detail: e instanceof Error ? e.message : String(e) });
      }
    }
  }
}
