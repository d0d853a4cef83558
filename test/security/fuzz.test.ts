import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FuzzReport, runFuzz } from "../../scripts/lib/fuzz/run";
import { fuzzTarget } from "../../scripts/lib/fuzz/target.node";

/**
 * The fuzzer as part of `npm test`: a short seeded run (fast-check arbitraries from /openapi.json, every
 * caller) against a real listening Node server. The long run is `npm run fuzz -- --requests 100000`.
 */
let target: Awaited<ReturnType<typeof fuzzTarget>>;
beforeAll(async () => {
  target = await fuzzTarget({ server: true });
}, 300_000);
afterAll(() => target?.close());

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2000);

describe("OpenAPI fuzz (every operation, every caller, real server)", () => {
  let report: FuzzReport;
  it("no 5xx, every error in the common body, no other account's data", async () => {
    report = await runFuzz(target, { requests: REQUESTS, seed: 20261207, concurrency: 4 });
    expect(report.requests).toBe(REQUESTS);
    expect(report.operations).toBeGreaterThanOrEqual(30);
    expect(report.failures.slice(0, 10)).toEqual([]);
  }, 600_000);

  it("the run reached the handlers (not only refusals)", () => {
    const ok = Object.entries(report.byStatus)
      .filter(([s]) => Number(s) < 300)
      .reduce((n, [, c]) => n + c, 0);
    expect(ok).toBeGreaterThan(REQUESTS * 0.1);
  });
});
