/**
 * Cold start through the HTTP API: a product added while the server runs has recommendations and enters
 * feeds after one cold-start cycle. The cycle is triggered by the test (what the serving tick does every
 * 60 s on Node), not waited for.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HashingEmbedder } from "../../../src/adapters/embedder/hashing.js";
import { MemoryVectorIndex } from "../../../src/adapters/vector-index/memory.js";
import { ColdStart } from "../../../src/recsys/embeddings/cold-start.js";
import { reembedNewItems } from "../../../src/recsys/embeddings/reembed.js";
import type { TestApp } from "../../helpers/app.js";
import { json } from "../../helpers/auth.js";
import { insertProducts } from "../../helpers/catalog-fixtures.js";
import { NOW, pid, postEvents, recsysApp, sid, views, type FeedBody } from "../fixtures.js";

interface RecList {
  items: { productId: string; category: string; sources: string[]; reason: string }[];
}

let t: TestApp;
let coldStart: ColdStart;
/** The app clock, moved by the tests (caches with a TTL on it expire when it moves, not with wall time). */
let now = NOW;
beforeAll(async () => {
  t = await recsysApp({ clock: () => now });
  const embedder = new HashingEmbedder(128);
  const index = new MemoryVectorIndex();
  coldStart = new ColdStart({
    db: t.db,
    recsys: t.deps.recsys,
    embedderId: embedder.id,
    index,
    syncIndex: true,
    reembed: () => reembedNewItems({ client: t.db.$client, embedder, index, now: t.deps.clock }),
    log: () => {},
  });
  const first = await coldStart.cycle(); // the server's first tick: the catalogue gets its content vectors
  expect(first.reembed?.embedded).toBe(48);
  expect(first.added).toEqual([]);
});
afterAll(async () => {
  await t.deps.recsys.feed.flushImpressions();
  t.cleanup();
});

const recs = async (id: string, session?: string): Promise<Response> =>
  t.app.request(`/v1/products/${id}/recommendations?limit=10`, {
    headers: session ? { "x-session-id": session } : {},
  });

const allFeedItems = async (session: string): Promise<FeedBody["items"]> => {
  const items: FeedBody["items"] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const res = await t.app.request(`/v1/feed?limit=20${cursor ? `&cursor=${cursor}` : ""}`, {
      headers: { "x-session-id": session },
    });
    expect(res.status).toBe(200);
    const body = await json<FeedBody>(res);
    items.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return items;
};

describe("a product added while the server runs", () => {
  it("404s before the cycle, then has content-neighbour recommendations after one cycle", async () => {
    await insertProducts(t.db, [
      {
        parentAsin: "HP-NEW",
        title: "Headphones item with wireless noise cancelling",
        categories: ["Electronics", "Headphones"],
        price: 99,
      },
    ]);
    expect((await recs("HP-NEW")).status).toBe(404);

    const cycle = await coldStart.cycle();
    expect(cycle.added).toEqual(["HP-NEW"]);
    expect(cycle.reembed?.itemIds).toEqual(["HP-NEW"]);
    expect(cycle.neighboured).toBeGreaterThanOrEqual(1);

    const res = await recs("HP-NEW");
    expect(res.status).toBe(200);
    const body = await json<RecList>(res);
    expect(body.items.length).toBeGreaterThanOrEqual(5);
    expect(body.items.map((i) => i.productId)).not.toContain("HP-NEW");
    // Its text is about headphones: so are its neighbours, recalled by the vector source, anchored on it.
    const headphones = body.items.filter((i) => i.category === "Headphones").length;
    expect(headphones / body.items.length).toBeGreaterThanOrEqual(0.6);
    expect(body.items.some((i) => i.sources.includes("vector"))).toBe(true);
    const fromVector = body.items.find((i) => i.sources.length === 1 && i.sources[0] === "vector");
    if (fromVector) expect(fromVector.reason).toBe("Similar to Headphones item with wireless noise cancelling");
  });

  it("enters the feed of a session that viewed similar items, recalled by vector recall (not by being listed)", async () => {
    const session = sid("cold-1");
    expect((await postEvents(t, { "x-session-id": session }, views([pid(0, 1), pid(0, 2)], "cs"))).status).toBe(200);
    const items = await allFeedItems(session);
    const mine = items.find((i) => i.productId === "HP-NEW");
    expect(mine?.sources).toContain("vector");
    expect(mine?.sources).not.toContain("fresh");
  });

  it("once listed, enters the feed of a visitor with no history through the fresh-listings source", async () => {
    await t.db.$client.execute({
      sql: "INSERT INTO user (id, name, email, created_at, updated_at) VALUES ('seller-1', 'S', 'seller-1@x.test', ?, ?)",
      args: [NOW, NOW],
    });
    await t.db.$client.execute({
      sql: `INSERT INTO listings (id, seller_id, parent_asin, condition, price_minor, currency, status, created_at, updated_at)
            VALUES ('L-NEW', 'seller-1', 'HP-NEW', 'like_new', 7900, 'USD', 'active', ?, ?)`,
      args: [now, now],
    });
    now += 60_000; // one serving cycle later: the fresh-listings cache (5 s) has expired
    const items = await allFeedItems(sid("cold-2"));
    const mine = items.find((i) => i.productId === "HP-NEW");
    expect(mine?.sources).toContain("fresh");
    expect(mine?.listing?.id).toBe("L-NEW");
  });

  it("a session that viewed the new product gets its neighbours in the feed", async () => {
    const session = sid("cold-3");
    expect((await postEvents(t, { "x-session-id": session }, views(["HP-NEW"], "cn"))).status).toBe(200);
    const items = await allFeedItems(session);
    // Its nearest neighbours by text are headphones ...
    const models = t.deps.recsys.models;
    const forward = models.coldStart?.forward.get(models.catalog.indexOf.get("HP-NEW") ?? -1);
    const top = Array.from(forward?.items.subarray(0, 5) ?? [], (i) => models.catalog.categoryName(i));
    expect(top).toEqual(Array(5).fill("Headphones"));
    // ... and they reach this session's feed through vector recall, with the new product as the reason.
    const vector = items.filter((i) => i.sources.includes("vector"));
    expect(vector.filter((i) => i.category === "Headphones").length).toBeGreaterThanOrEqual(8);
    const explained = vector.filter((i) => i.reason.startsWith("Similar to"));
    expect(explained.length).toBeGreaterThan(0);
    for (const i of explained) expect(i.reason).toBe("Similar to Headphones item with wireless noise cancelling");
  });
});
