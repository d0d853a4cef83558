import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "../../helpers/auth";
import { type FeedBody, pid, postEvents, sid, views } from "../../recsys/fixtures";
import { divergedRanker, type SelectionApp, selectionApp } from "../../recsys/selection/fixtures";

let t: SelectionApp;
beforeAll(async () => {
  t = await selectionApp();
});
afterAll(() => t.cleanup());

describe("GET /v1/feed when the live ranker starts failing", () => {
  it("serves every page ranked by the prior (degraded), and selection rolls the failing version back", async () => {
    const before = await t.registry.liveVersion("ranker");
    // A bad deploy: a diverged ranker made live outside selection (by hand, a publish with --live).
    const broken = await t.registry.register("ranker", divergedRanker(), {}, { live: true, reason: "bad deploy" });
    const reload = await t.deps.recsys.reloadIfChanged();
    expect(reload.changed.map((c) => c.model)).toContain("ranker");

    for (let s = 0; s < 25; s++) {
      await postEvents(t, { "x-session-id": sid(100 + s) }, views([pid(0, 1), pid(1, 2)], `f${s}`));
      const res = await t.app.request("/v1/feed?limit=10", { headers: { "x-session-id": sid(100 + s) } });
      expect(res.status).toBe(200);
      const page = await json<FeedBody & { degraded: boolean }>(res);
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.degraded).toBe(true);
    }
    await t.deps.recsys.refreshExperiments(); // writes this process's live-set counters

    const r = await t.cycle();
    expect(r.decisions).toEqual(
      expect.arrayContaining([expect.objectContaining({ model: "ranker", action: "rolled_back" })]),
    );
    expect(await t.registry.liveVersion("ranker")).toBe(before);
    expect(await t.registry.liveVersion("ranker")).not.toBe(broken);
    await t.deps.recsys.reloadIfChanged();
    const res = await t.app.request("/v1/feed?limit=10", { headers: { "x-session-id": sid(999) } });
    expect((await json<FeedBody & { degraded: boolean }>(res)).degraded).toBe(false);
  });
});
