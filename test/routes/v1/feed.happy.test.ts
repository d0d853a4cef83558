import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../../helpers/app";
import { json } from "../../helpers/auth";
import { pid, postEvents, recsysApp, sid, views, type FeedBody } from "../../recsys/fixtures";

let t: TestApp;
beforeAll(async () => {
  t = await recsysApp();
});
afterAll(() => t.cleanup());

const feed = async (session: string, query = ""): Promise<FeedBody> => {
  const res = await t.app.request(`/v1/feed${query}`, { headers: { "x-session-id": session } });
  expect(res.status).toBe(200);
  return json<FeedBody>(res);
};

describe("GET /v1/feed", () => {
  it("personalises: sessions with different histories get different feeds, led by their category", async () => {
    expect(
      (await postEvents(t, { "x-session-id": sid(1) }, views([pid(0, 1), pid(0, 2), pid(0, 3)], "a"))).status,
    ).toBe(200);
    expect(
      (await postEvents(t, { "x-session-id": sid(2) }, views([pid(2, 1), pid(2, 2), pid(2, 3)], "b"))).status,
    ).toBe(200);
    const a = await feed(sid(1), "?limit=10");
    const b = await feed(sid(2), "?limit=10");
    expect(a.items.map((i) => i.productId)).not.toEqual(b.items.map((i) => i.productId));
    const share = (f: FeedBody, cat: string): number =>
      f.items.filter((i) => i.category === cat).length / f.items.length;
    expect(share(a, "Headphones")).toBeGreaterThan(share(b, "Headphones"));
    expect(share(b, "Laptops")).toBeGreaterThan(share(a, "Laptops"));
    // What the session viewed is not recommended back.
    expect(a.items.map((i) => i.productId)).not.toContain(pid(0, 3));
    expect(a.sources.used.length).toBeGreaterThanOrEqual(4);
    expect(a.degraded).toBe(false);
    for (const item of a.items) {
      expect(item.recommendationId).toMatch(new RegExp(`^${a.snapshotId}\\.\\d+$`));
      expect(item.reason.length).toBeGreaterThan(5);
      expect(item.sources.length).toBeGreaterThan(0);
    }
    await t.deps.recsys.feed.flushImpressions();
    const imp = await t.db.$client.execute({
      sql: "SELECT context FROM events WHERE type = 'impression' AND anon_id = ?",
      args: [sid(1)],
    });
    expect(imp.rows).toHaveLength(1);
    expect(JSON.parse(String(imp.rows[0].context))).toMatchObject({
      snapshotId: a.snapshotId,
      items: a.items.map((i) => i.productId),
    });
    expect(a.items[0].reason).toMatch(
      /^(Because you viewed|Similar to|Often bought together|Viewed in sessions like yours|Trending in|Just listed)/,
    );
  });

  it("paginates over one snapshot without repeating an item, to the end", async () => {
    await postEvents(t, { "x-session-id": sid(3) }, views([pid(1, 4), pid(1, 5)], "c"));
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    let snapshot = "";
    do {
      const page: FeedBody = await feed(sid(3), `?limit=7${cursor ? `&cursor=${cursor}` : ""}`);
      if (snapshot) expect(page.snapshotId).toBe(snapshot);
      snapshot = page.snapshotId;
      for (const i of page.items) {
        expect(seen.has(i.productId)).toBe(false);
        seen.add(i.productId);
      }
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThan(2);
    expect(cursor).toBeNull();
    expect(seen.size).toBeGreaterThan(20);
  });

  it("gives an anonymous visitor with no history a feed from trends and fresh items", async () => {
    const f = await feed(sid(99));
    expect(f.items.length).toBe(20);
    expect(f.sources.used).toEqual(expect.arrayContaining(["trending", "fresh"]));
    expect(f.items.every((i) => i.sources.every((s) => s === "trending" || s === "fresh"))).toBe(true);
  });

  it("rejects a cursor of another session and a tampered cursor with 400 invalid_cursor", async () => {
    const first = await feed(sid(4), "?limit=5");
    const foreign = await t.app.request(`/v1/feed?cursor=${first.nextCursor}`, { headers: { "x-session-id": sid(5) } });
    expect(foreign.status).toBe(400);
    expect((await json<{ error: { code: string } }>(foreign)).error.code).toBe("invalid_cursor");
    const tampered = await t.app.request(`/v1/feed?cursor=xyz%21`, { headers: { "x-session-id": sid(4) } });
    expect(tampered.status).toBe(400);
  });
});
