import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeFeatures } from "../../../src/recsys/feed/feature-codec";
import { NUM_FEATURES } from "../../../src/recsys/feed/features";
import type { TestApp } from "../../helpers/app";
import { json } from "../../helpers/auth";
import { pid, postEvents, recsysApp, sid, views, type FeedBody } from "../fixtures";

let t: TestApp;
beforeAll(async () => {
  t = await recsysApp();
});
afterAll(() => t.cleanup());

describe("feed impressions log the ranker features serving scored each item with", () => {
  it("every shown item of pages 1 and 2 has its features, and the ranker's score of them is the served score", async () => {
    await postEvents(t, { "x-session-id": sid(900) }, views([pid(1, 2), pid(1, 3), pid(0, 4)], "if"));
    const get = async (q: string): Promise<FeedBody & { items: { score: number }[] }> => {
      const res = await t.app.request(`/v1/feed?limit=8${q}`, { headers: { "x-session-id": sid(900) } });
      expect(res.status).toBe(200);
      return json(res);
    };
    const first = await get("");
    const second = await get(`&cursor=${first.nextCursor}`);
    await t.deps.recsys.feed.flushImpressions();
    const rows = await t.db.$client.execute({
      sql: "SELECT context FROM events WHERE type = 'impression' AND anon_id = ? ORDER BY rowid",
      args: [sid(900)],
    });
    expect(rows.rows).toHaveLength(2);
    const ranker = t.deps.recsys.models.ranker;
    // One byte per feature: the logit moves by at most sum |w| x half a step.
    const tolerance = ranker.weights.reduce((a, w) => a + Math.abs(w), 0) * (0.5 / 127) + 1e-3;
    [first, second].forEach((page, p) => {
      const ctx = JSON.parse(String(rows.rows[p].context)) as { items: string[]; features: string[]; ranker: string };
      expect(ctx.items).toEqual(page.items.map((i) => i.productId));
      expect(ctx.ranker).toBe(ranker.version);
      expect(ctx.features).toHaveLength(page.items.length);
      ctx.features.forEach((f, j) => {
        const x = decodeFeatures(f, NUM_FEATURES);
        expect(x).not.toBeNull();
        // The re-rank stage only reorders (MMR) and boosts listings; these fixtures have none.
        expect(page.items[j].listing).toBeNull();
        expect(Math.abs(ranker.logit(x as Float32Array) - page.items[j].score)).toBeLessThan(tolerance);
      });
    });
  });
});
