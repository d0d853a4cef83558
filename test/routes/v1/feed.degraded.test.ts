import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../../helpers/app";
import { json } from "../../helpers/auth";
import { FEED_SOURCES } from "../../../src/recsys/feed/feed-service";
import type { RecallSource } from "../../../src/recsys/feed/recall/types";
import { pid, postEvents, recsysAppWithFeed, sid, views, type FeedBody } from "../../recsys/fixtures";

const failing: RecallSource = {
  name: "fresh",
  async run() {
    throw new Error("listings database unreachable");
  },
};
const slow: RecallSource = {
  name: "bought_together",
  run: (_ctx, _count) =>
    new Promise((resolve) =>
      setTimeout(
        () => resolve({ source: "bought_together", items: Int32Array.of(0), scores: Float32Array.of(1) }),
        300,
      ),
    ),
};

let t: TestApp;
beforeAll(async () => {
  const sources = FEED_SOURCES.map((s) => (s.name === "fresh" ? failing : s.name === "bought_together" ? slow : s));
  t = await recsysAppWithFeed({ sources, budgets: { bought_together: { timeoutMs: 25, count: 10 } } });
});
afterAll(() => t.cleanup());

describe("GET /v1/feed with a failing and a slow source", () => {
  it("still answers in time, degraded, naming the sources used and the ones dropped", async () => {
    await postEvents(t, { "x-session-id": sid(20) }, views([pid(0, 1), pid(0, 2)], "d"));
    const started = performance.now();
    const res = await t.app.request("/v1/feed", { headers: { "x-session-id": sid(20) } });
    const ms = performance.now() - started;
    expect(res.status).toBe(200);
    const f = await json<FeedBody>(res);
    expect(f.degraded).toBe(true);
    expect(f.sources.failed).toEqual(
      expect.arrayContaining([
        { source: "fresh", reason: "error" },
        { source: "bought_together", reason: "timeout" },
      ]),
    );
    expect(f.sources.used).toEqual(expect.arrayContaining(["vector", "covisitation", "session_knn", "trending"]));
    expect(f.sources.used).not.toContain("fresh");
    expect(f.items.length).toBe(20);
    expect(f.items.every((i) => !i.sources.includes("fresh") && !i.sources.includes("bought_together"))).toBe(true);
    expect(ms).toBeLessThan(250); // the 300 ms source was not waited for
  });
});
