import { describe, expect, it } from "vitest";
import {
  normalCdf,
  posterior,
  probChallengerBetter,
  rateInterval,
  relativeLift,
  thompsonShare,
  cautiousShare,
} from "../../../src/recsys/selection/bandit";

describe("selection statistics", () => {
  it("normalCdf matches known values", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
    expect(normalCdf(-1.645)).toBeCloseTo(0.05, 3);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
  });

  it("posterior is Beta(1 + clicks, 1 + misses)", () => {
    const p = posterior({ impressions: 8, clicks: 2 });
    expect(p.mean).toBeCloseTo(3 / 10, 10);
    expect(p.variance).toBeCloseTo((3 * 7) / (100 * 11), 10);
    // Clicks beyond impressions (a replayed click) never push the rate above 1.
    expect(posterior({ impressions: 1, clicks: 5 }).mean).toBeCloseTo(2 / 3, 10);
  });

  it("an equal pair is a coin flip; a clearly better challenger is near-certain", () => {
    expect(probChallengerBetter({ impressions: 1000, clicks: 100 }, { impressions: 1000, clicks: 100 })).toBeCloseTo(
      0.5,
      6,
    );
    expect(
      probChallengerBetter({ impressions: 2000, clicks: 100 }, { impressions: 2000, clicks: 200 }),
    ).toBeGreaterThan(0.999);
    expect(probChallengerBetter({ impressions: 2000, clicks: 200 }, { impressions: 2000, clicks: 100 })).toBeLessThan(
      0.001,
    );
  });

  it("intervals contain the rate and shrink with data", () => {
    const small = rateInterval({ impressions: 50, clicks: 5 });
    const big = rateInterval({ impressions: 5000, clicks: 500 });
    expect(big.lo).toBeLessThan(0.1);
    expect(big.hi).toBeGreaterThan(0.1);
    expect(big.hi - big.lo).toBeLessThan(small.hi - small.lo);
    const lift = relativeLift({ impressions: 5000, clicks: 500 }, { impressions: 5000, clicks: 600 });
    expect(lift.estimate).toBeCloseTo(0.2, 1);
    expect(lift.lo).toBeGreaterThan(0);
  });

  it("the share follows the evidence within the policy's bounds", () => {
    expect(thompsonShare({ impressions: 0, clicks: 0 }, { impressions: 0, clicks: 0 })).toBeCloseTo(0.5, 6);
    expect(thompsonShare({ impressions: 900, clicks: 90 }, { impressions: 100, clicks: 0 })).toBe(0.01);
    expect(thompsonShare({ impressions: 900, clicks: 10 }, { impressions: 900, clicks: 200 })).toBe(0.5);
  });
});

describe("cautiousShare", () => {
  it("never hands an unproven challenger Thompson's half of the traffic while the evidence is thin", () => {
    const empty = { impressions: 0, clicks: 0 };
    expect(cautiousShare(empty, empty, 0.03)).toBe(0.03);
    // A worse-looking challenger drops at once.
    expect(cautiousShare({ impressions: 900, clicks: 90 }, { impressions: 300, clicks: 3 }, 0.03)).toBe(0.01);
  });

  it("grows a challenger the evidence favours, at most doubling per decision, up to Thompson's allocation", () => {
    const grown = cautiousShare({ impressions: 2000, clicks: 100 }, { impressions: 200, clicks: 30 }, 0.03);
    expect(grown).toBeCloseTo(0.06, 6);
    expect(cautiousShare({ impressions: 2000, clicks: 100 }, { impressions: 2000, clicks: 300 }, 0.4)).toBe(0.5);
  });
});
