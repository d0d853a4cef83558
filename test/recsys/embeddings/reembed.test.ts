/** The re-embedding job on the real libSQL engine (migrated temp file) with the in-process vector index. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HashingEmbedder } from "../../../src/adapters/embedder/hashing.js";
import { MemoryVectorIndex } from "../../../src/adapters/vector-index/memory.js";
import { EmbedderError, type Embedder } from "../../../src/ports/embedder.js";
import { EmbeddingStore } from "../../../src/recsys/embeddings/embedding-store.js";
import { contentVersion, reembedNewItems, type ReembedDeps } from "../../../src/recsys/embeddings/reembed.js";
import { createTestDb, type TestDb } from "../../helpers/app.js";
import { insertProducts, type FixtureProduct } from "../../helpers/catalog-fixtures.js";

/** Counts the texts it is asked to embed; can be told to fail from a given call on. */
class CountingEmbedder implements Embedder {
  readonly inner: HashingEmbedder;
  texts: string[] = [];
  calls = 0;
  failFromCall = Number.POSITIVE_INFINITY;
  constructor(dim = 32) {
    this.inner = new HashingEmbedder(dim);
  }
  get id(): string {
    return this.inner.id;
  }
  get dimension(): number {
    return this.inner.dimension;
  }
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (++this.calls >= this.failFromCall) throw new EmbedderError("unavailable", "backend down");
    this.texts.push(...texts);
    return this.inner.embed(texts);
  }
}

const product = (i: number, title = `Refurbished phone ${i}`): FixtureProduct => ({
  parentAsin: `P${String(i).padStart(3, "0")}`,
  title,
  categories: ["Electronics", i % 2 ? "Cell Phones" : "Headphones"],
  features: [`feature ${i}`],
  price: 100 + i,
});

let t: TestDb;
let clock = 1_000;
beforeEach(async () => {
  t = await createTestDb();
  await insertProducts(
    t.db,
    Array.from({ length: 10 }, (_, i) => product(i)),
  );
});
afterEach(() => t.cleanup());

const deps = (embedder: Embedder, index = new MemoryVectorIndex()): ReembedDeps & { index: MemoryVectorIndex } => ({
  client: t.db.$client,
  embedder,
  index,
  now: () => ++clock,
});

describe("reembedNewItems", () => {
  it("embeds every item once, stores the vectors, fills the collection and points the live alias at it", async () => {
    const e = new CountingEmbedder();
    const d = deps(e);
    const r = await reembedNewItems(d, { batchSize: 4 });
    expect(r).toMatchObject({ scanned: 10, embedded: 10, unchanged: 0, upserted: 10, backlog: false, swapped: true });
    expect(e.calls).toBe(3); // batches of 4, 4, 2
    expect(await new EmbeddingStore(t.db.$client).count(e.id)).toBe(10);
    expect(await d.index.describe(r.collection)).toMatchObject({ count: 10, dimension: 32, distance: "cosine" });
    expect(await d.index.liveVersion()).toBe(contentVersion(e.id));
    // The stored vector is the embedder's vector for the item's text.
    const stored = await new EmbeddingStore(t.db.$client).vectors(e.id, ["P003"]);
    const [expected] = await e.inner.embed([e.texts[e.texts.findIndex((x) => x.startsWith("Refurbished phone 3."))]]);
    expect(Array.from(stored.get("P003") ?? [])).toEqual(Array.from(expected));

    const again = await reembedNewItems(d);
    expect(again).toMatchObject({ scanned: 0, embedded: 0, swapped: false });
    expect(e.calls).toBe(3);
  });

  it("embeds new products and changed texts only; an update that keeps the text is marked, not re-embedded", async () => {
    const e = new CountingEmbedder();
    const d = deps(e);
    await reembedNewItems(d);
    e.texts = [];
    await insertProducts(t.db, [product(50, "Brand new drone with 4K camera")]);
    await t.db.$client.batch(
      [
        {
          sql: "UPDATE products SET title = 'Used laptop, 16 GB', updated_at = updated_at + 5 WHERE parent_asin = 'P001'",
          args: [],
        },
        { sql: "UPDATE products SET price = 1, updated_at = updated_at + 5 WHERE parent_asin = 'P002'", args: [] },
      ],
      "write",
    );
    const r = await reembedNewItems(d);
    expect(r).toMatchObject({ scanned: 3, embedded: 2, unchanged: 1, upserted: 2 });
    expect(r.itemIds.sort()).toEqual(["P001", "P050"]);
    expect(e.texts.map((x) => x.split(".")[0]).sort()).toEqual([
      "Brand new drone with 4K camera",
      "Used laptop, 16 GB",
    ]);
    expect(await reembedNewItems(d)).toMatchObject({ scanned: 0, embedded: 0 });
    // The index answers with the new text's vector.
    const [q] = await e.inner.embed(["used laptop 16 gb"]);
    const [hit] = await d.index.search(q, { k: 1 });
    expect(hit.id).toBe("P001");
  });

  it("after a restart refills an empty index from the table without embedding anything again", async () => {
    await reembedNewItems(deps(new CountingEmbedder()));
    const e = new CountingEmbedder();
    const fresh = deps(e, new MemoryVectorIndex());
    const r = await reembedNewItems(fresh);
    expect(r).toMatchObject({ embedded: 0, restored: 10, upserted: 10 });
    expect(e.calls).toBe(0);
    expect((await fresh.index.describe(r.collection))?.count).toBe(10);
  });

  it("works newest first within maxItems and moves the alias only when the backlog is done", async () => {
    const e = new CountingEmbedder();
    const d = deps(e);
    const first = await reembedNewItems(d, { maxItems: 4 });
    expect(first).toMatchObject({ embedded: 4, backlog: true, swapped: false });
    expect(first.itemIds).toEqual(["P009", "P008", "P007", "P006"]);
    expect(await d.index.liveVersion()).toBeNull();
    expect(await reembedNewItems(d, { maxItems: 4 })).toMatchObject({ embedded: 4, backlog: true });
    expect(await reembedNewItems(d, { maxItems: 4 })).toMatchObject({ embedded: 2, backlog: false, swapped: true });
  });

  it("a new embedder gets its own collection; the alias swaps to it once complete, the old one is kept", async () => {
    const index = new MemoryVectorIndex();
    const old = await reembedNewItems(deps(new CountingEmbedder(32), index));
    const next = await reembedNewItems(deps(new CountingEmbedder(64), index), { maxItems: 6 });
    expect(next.collection).not.toBe(old.collection);
    expect(await index.liveVersion()).toBe(old.collection); // half-filled: readers stay on the old vectors
    const done = await reembedNewItems(deps(new CountingEmbedder(64), index), { maxItems: 6 });
    expect(done).toMatchObject({ embedded: 4, swapped: true });
    expect(await index.liveVersion()).toBe(next.collection);
    expect(await index.listVersions()).toEqual([old.collection, next.collection].sort());
    const store = new EmbeddingStore(t.db.$client);
    expect([await store.count("hashing-32"), await store.count("hashing-64")]).toEqual([10, 10]);
  });

  it("keeps the batches that succeeded when the embedder fails, and resumes after them", async () => {
    const e = new CountingEmbedder();
    e.failFromCall = 2;
    const d = deps(e);
    await expect(reembedNewItems(d, { batchSize: 4 })).rejects.toMatchObject({ code: "unavailable" });
    expect(await new EmbeddingStore(t.db.$client).count(e.id)).toBe(4);
    e.failFromCall = Number.POSITIVE_INFINITY;
    expect(await reembedNewItems(d, { batchSize: 4 })).toMatchObject({ embedded: 6, swapped: true });
  });

  it("stores only when given no index (a process whose vectors the serving processes copy in)", async () => {
    const e = new CountingEmbedder();
    const r = await reembedNewItems({ client: t.db.$client, embedder: e, now: () => ++clock });
    expect(r).toMatchObject({ embedded: 10, upserted: 0, swapped: false });
    expect(await new EmbeddingStore(t.db.$client).count(e.id)).toBe(10);
  });
});
