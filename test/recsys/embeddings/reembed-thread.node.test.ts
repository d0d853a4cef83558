/** Re-embedding in a worker thread (Node's default): the offline encoder, its own connection, the same table. */
import { afterEach, expect, it } from "vitest";
import { EmbeddingStore } from "../../../src/recsys/embeddings/embedding-store.js";
import { ReembedThread } from "../../../src/recsys/embeddings/reembed-thread.node.js";
import { createTestDb, type TestDb } from "../../helpers/app.js";
import { insertProducts } from "../../helpers/catalog-fixtures.js";

let t: TestDb | undefined;
let thread: ReembedThread | undefined;
afterEach(async () => {
  await thread?.close();
  t?.cleanup();
});

it("embeds new items with the offline encoder off the calling thread and stores them", {
  timeout: 120_000,
}, async () => {
  t = await createTestDb();
  await insertProducts(t.db, [
    { parentAsin: "A1", title: "Noise cancelling headphones" },
    { parentAsin: "A2", title: "Mirrorless camera body" },
    { parentAsin: "A3", title: "Gaming laptop 16 inch" },
  ]);
  thread = new ReembedThread({ databaseUrl: t.url, env: {}, maxItems: 100, batchSize: 8 });
  const report = await thread.run();
  expect(report).toMatchObject({
    embedder: "energetic-ai/universal-sentence-encoder-en@0.2.0/120c",
    embedded: 3,
    upserted: 0,
  });
  expect(await new EmbeddingStore(t.db.$client).count(report.embedder)).toBe(3);
  // The thread stays up for the next cycle, which has nothing to do.
  expect(await thread.run()).toMatchObject({ embedded: 0 });
});

it("fails the run with the thread's error (a database it cannot use)", { timeout: 60_000 }, async () => {
  thread = new ReembedThread({ databaseUrl: "file:/nonexistent-dir-\u0000/x.db", env: {}, maxItems: 1, batchSize: 1 });
  await expect(thread.run()).rejects.toThrow(/re-embedding/);
});
