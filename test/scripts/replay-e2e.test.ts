import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readDataset } from "../../scripts/lib/replay/dataset";
import { hitAt } from "../../scripts/lib/replay/metrics";
import { buildComparison } from "../../scripts/lib/replay/report";
import { runReplay, type RunResult } from "../../scripts/lib/replay/run";
import { splitEvents } from "../../scripts/lib/replay/split";

const dir = mkdtempSync(join(tmpdir(), "replay-e2e-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * 40 shoppers × 6 purchases over 3 clusters of 10 items: each walks its cluster in order (i, i+1, ...), so the
 * next item is predictable from co-visitation. Times interleave shoppers, so the 2/3 split cuts every sequence.
 */
function fixture(): string {
  const lines = ["user_id,parent_asin,rating,timestamp"];
  const base = Date.UTC(2024, 0, 1);
  for (let u = 0; u < 40; u++) {
    const cluster = u % 3;
    const start = (u * 7) % 10;
    for (let j = 0; j < 6; j++) {
      const item = `C${cluster}I${(start + j) % 10}`;
      lines.push(`SHOPPER${u},${item},5.0,${base + j * 100_000_000 + u * 1000}`);
    }
  }
  const p = join(dir, "ratings.csv");
  writeFileSync(p, `${lines.join("\n")}\n`);
  return p;
}

describe("replay end to end (real server child process, both modes)", () => {
  it("plays the later events through the HTTP API and scores the answers", { timeout: 120_000 }, async () => {
    const dataset = await readDataset([fixture()]);
    const split = splitEvents(dataset.events, { kind: "fraction", fraction: 4 / 6 });
    expect(split.replay).toHaveLength(80);
    const runs: Partial<Record<"off" | "on", RunResult>> = {};
    for (const mode of ["off", "on"] as const) {
      const r = await runReplay({
        mode,
        split,
        itemFiles: [],
        surfaces: ["feed", "session"],
        k: 10,
        prime: 20,
        eventType: "purchase",
        learnerIntervalSeconds: 1,
        wallSeconds: 0,
        concurrency: 4,
        log: () => {},
        startTimeoutMs: 90_000,
        serverLogLevel: "silent",
      });
      runs[mode] = r;
      expect(r.cases).toHaveLength(80);
      expect(r.rejected).toEqual({});
      expect(r.requests).toBe(80 * 3); // feed + session + events per step (one event per step here)
      // every case was scored on a real answer, which names its model version
      const versions = Object.entries(r.modelVersions);
      expect(versions.reduce((s, [, n]) => s + n, 0)).toBe(80);
      for (const [v] of versions) expect(v).toMatch(/\S/);
      for (const c of r.cases) {
        expect(c.ranks.feed).toBeGreaterThanOrEqual(0);
        expect(c.ranks.session).toBeGreaterThanOrEqual(0);
      }
      // the walk is predictable from the primed session: the server's session recommendations find it
      const hr = r.cases.reduce((s, c) => s + hitAt(c.ranks.session ?? 0, 10), 0) / r.cases.length;
      expect(hr).toBeGreaterThan(0.3);
    }
    const { windows, overall } = buildComparison({
      k: 10,
      surfaces: ["feed", "session"],
      windows: 2,
      times: split.replay.map((e) => e.ts),
      runs,
      seed: 1,
    });
    expect(windows).toHaveLength(2);
    expect(overall.n).toBe(80);
    for (const s of ["feed", "session"] as const) {
      expect(overall.metrics[s]?.hr.diff).toBeDefined();
      expect(overall.metrics[s]?.ndcg.off?.lo).toBeLessThanOrEqual(overall.metrics[s]?.ndcg.off?.mean ?? -1);
    }
  });
});
