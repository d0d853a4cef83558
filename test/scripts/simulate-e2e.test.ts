import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startNodeServer } from "../../scripts/lib/server-process";
import type { ReplayEvent } from "../../scripts/lib/replay/dataset";
import { prepareDatabase } from "../../scripts/lib/replay/run";
import { splitEvents } from "../../scripts/lib/replay/split";
import { simulateShoppers } from "../../scripts/lib/simulate/run";

const dir = mkdtempSync(join(tmpdir(), "simulate-e2e-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("simulated shoppers against a real server child", () => {
  it("reads feed pages, posts their actions, and counts them per position and model version", {
    timeout: 120_000,
  }, async () => {
    // a small catalog with history: 30 users over 40 items
    const events: ReplayEvent[] = [];
    for (let u = 0; u < 30; u++)
      for (let j = 0; j < 5; j++)
        events.push({
          user: `U${u}`,
          item: `I${(u * 3 + j) % 40}`,
          ts: 1_700_000_000_000 + j * 1e6 + u,
          seq: events.length,
          file: 0,
        });
    const split = splitEvents(events, { kind: "fraction", fraction: 0.8 });
    const { url } = await prepareDatabase(dir, {
      mode: "off",
      split,
      itemFiles: [],
      surfaces: ["feed"],
      k: 10,
      prime: 0,
      eventType: "purchase",
      learnerIntervalSeconds: 60,
      wallSeconds: 0,
      concurrency: 1,
      log: () => {},
    });
    const server = await startNodeServer(
      { DATABASE_URL: url, DEMO_DATA: "false", MODEL_REGISTRY: "libsql", LEARNER: "off", LOG_LEVEL: "silent" },
      90_000,
    );
    try {
      for (;;) {
        const res = await fetch(`${server.url}/v1/feed?limit=1`, { headers: { "x-session-id": "probe-000" } });
        await res.text();
        if (res.status === 200) break;
        expect(res.status).toBe(503);
        await new Promise((r) => setTimeout(r, 200));
      }
      const report = await simulateShoppers({
        base: server.url,
        shoppers: 6,
        steps: 4,
        seed: 3,
        pageSize: 5,
        pages: 2,
        concurrency: 3,
        buckets: 2,
        log: () => {},
      });
      expect(report.events.rejected).toEqual({});
      const positions = Object.values(report.byPosition);
      const sum = (k: "impressions" | "clicks" | "purchases" | "notInterested") =>
        positions.reduce((s, r) => s + r[k], 0);
      expect(sum("impressions")).toBe(report.impressions);
      // each shopper-step shows at least one page of 5 items (40 items, few seen: the feed is never empty)
      expect(report.impressions).toBeGreaterThanOrEqual(6 * 4 * 5);
      expect(report.events.posted).toBe(sum("clicks") + sum("purchases") + sum("notInterested"));
      expect(sum("clicks")).toBeGreaterThan(0);
      // one model version served every page, and it is the server's (non-empty) version string
      const versions = Object.entries(report.byModelVersion);
      expect(versions).toHaveLength(1);
      expect(versions[0][0]).toMatch(/\S/);
      expect(versions[0][1].impressions).toBe(report.impressions);
      expect(Object.keys(report.byBucket).sort()).toEqual(["1", "2"]);
    } finally {
      await server.stop();
    }
  });
});
