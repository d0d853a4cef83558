import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "../../helpers/auth";
import { type FeedBody, pid, postEvents, sid, views } from "../../recsys/fixtures";
import { contrarianRanker, type SelectionApp, selectionApp } from "../../recsys/selection/fixtures";

let t: SelectionApp;
beforeAll(async () => {
  t = await selectionApp();
});
afterAll(() => t.cleanup());

describe("GET /v1/feed during a model experiment", () => {
  it("interleaves champion and challenger, logs each item's arm, and the cycle credits clicks to it", async () => {
    const live = await t.registry.liveVersion("ranker");
    const challenger = await t.registry.register("ranker", contrarianRanker(), {});
    const started = await t.cycle();
    expect(started.decisions).toEqual([
      expect.objectContaining({ model: "ranker", action: "queued" }),
      expect.objectContaining({ model: "ranker", action: "experiment_started" }),
    ]);
    await t.deps.recsys.refreshExperiments();
    const exp = t.deps.recsys.activeExperiment();
    expect(exp).toMatchObject({ model: "ranker", share: 0.03 });
    expect(exp?.champion.components.ranker).toBe(live);
    expect(exp?.challenger.components.ranker).toBe(challenger);

    await postEvents(t, { "x-session-id": sid(1) }, views([pid(0, 1), pid(0, 2)], "x"));
    const res = await t.app.request("/v1/feed?limit=20", { headers: { "x-session-id": sid(1) } });
    expect(res.status).toBe(200);
    const feed = await json<FeedBody>(res);
    expect(new Set(feed.items.map((i) => i.productId)).size).toBe(feed.items.length);
    await t.deps.recsys.feed.flushImpressions();
    const imp = await t.db.$client.execute({
      sql: "SELECT context FROM events WHERE type = 'impression' AND anon_id = ?",
      args: [sid(1)],
    });
    const ctx = JSON.parse(String(imp.rows[0].context));
    expect(ctx.experiment).toBe(exp?.id);
    expect(ctx.arms).toHaveLength(feed.items.length);
    expect(ctx.positions).toEqual(feed.items.map((i) => Number(i.recommendationId.split(".")[1])));
    const challengerAt = ctx.arms.indexOf("challenger");
    const championAt = ctx.arms.indexOf("champion");
    expect(championAt).toBeGreaterThanOrEqual(0);

    // A click on one item of each arm, echoing the recommendation id as clients do.
    const clicks = [championAt, challengerAt]
      .filter((j) => j >= 0)
      .map((j, k) => ({
        id: `click-${k}`,
        type: "click",
        item_id: feed.items[j].productId,
        context: { recommendationId: feed.items[j].recommendationId },
      }));
    expect((await postEvents(t, { "x-session-id": sid(1) }, clicks)).status).toBe(200);
    const folded = await t.cycle();
    expect(folded.folded.impressions).toBe(feed.items.length);
    const stats = await t.store.armStats(exp?.id ?? "");
    expect(stats.champion.impressions + stats.challenger.impressions).toBe(feed.items.length);
    expect(stats.champion.clicks).toBe(1);
    expect(stats.challenger.clicks).toBe(challengerAt >= 0 ? 1 : 0);
    // Serving counted both arms' requests and their compute time.
    await t.deps.recsys.refreshExperiments();
    const after = await t.store.armStats(exp?.id ?? "");
    expect(after.champion.requests).toBe(1);
    expect(after.challenger.requests).toBe(1);
    expect(after.champion.errors + after.challenger.errors).toBe(0);
  });
});
