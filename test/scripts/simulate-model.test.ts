import { describe, expect, it } from "vitest";
import { DEFAULT_CLICKS, examination, simulatePage } from "../../scripts/lib/simulate/click-model";
import { OutcomeTable, wilson } from "../../scripts/lib/simulate/outcomes";
import { hashSeed, mulberry32 } from "../../scripts/lib/simulate/rng";
import { TasteModel } from "../../scripts/lib/simulate/taste";

describe("click model", () => {
  it("examination is 1 / log2(rank + 1)", () => {
    expect(examination(1)).toBe(1);
    expect(examination(3)).toBe(0.5);
    expect(examination(7)).toBeCloseTo(1 / 3, 12);
    expect(() => examination(0)).toThrow(RangeError);
  });

  it("click rate per position ≈ examination × affinity (position bias), purchases ≈ clicks × buyRate × affinity", () => {
    const random = mulberry32(42);
    const affinity = 0.4;
    const pages = 40_000;
    const clicks = new Array(5).fill(0);
    let purchases = 0;
    let totalClicks = 0;
    for (let p = 0; p < pages; p++) {
      for (const a of simulatePage(new Array(5).fill(affinity), random, { ...DEFAULT_CLICKS, maxClicks: 99 })) {
        if (a.kind === "click") {
          clicks[a.rank - 1]++;
          totalClicks++;
        }
        if (a.kind === "purchase") purchases++;
      }
    }
    for (let r = 1; r <= 5; r++) {
      const expected = examination(r) * affinity;
      expect(Math.abs(clicks[r - 1] / pages - expected)).toBeLessThan(0.01);
    }
    expect(Math.abs(purchases / totalClicks - DEFAULT_CLICKS.buyRate * affinity)).toBeLessThan(0.01);
  });

  it("never clicks an item it cannot like, marks disliked ones not interested, stops after maxClicks", () => {
    const random = mulberry32(1);
    let notInterested = 0;
    for (let p = 0; p < 2000; p++) {
      const actions = simulatePage([0, 0, 0], random);
      expect(actions.every((a) => a.kind === "not_interested")).toBe(true);
      notInterested += actions.length;
    }
    // examined ≈ (1 + 0.63 + 0.5) per page, 20% of those marked
    expect(notInterested / 2000).toBeGreaterThan(0.3);
    expect(notInterested / 2000).toBeLessThan(0.55);
    const lots = simulatePage(new Array(20).fill(1), mulberry32(3), { ...DEFAULT_CLICKS, maxClicks: 2 });
    expect(lots.filter((a) => a.kind === "click")).toHaveLength(2);
  });

  it("is reproducible from its seed", () => {
    const a = simulatePage([0.5, 0.3, 0.9, 0.1], mulberry32(9));
    expect(simulatePage([0.5, 0.3, 0.9, 0.1], mulberry32(9))).toEqual(a);
  });
});

describe("hidden tastes", () => {
  it("affinities are probabilities, stable per seed and different across seeds", () => {
    const t = new TasteModel(5);
    const item = { productId: "B1", category: "Headphones" };
    const a = t.affinity("s1", item);
    expect(a).toBeGreaterThan(0);
    expect(a).toBeLessThan(1);
    expect(new TasteModel(5).affinity("s1", item)).toBe(a);
    expect(new TasteModel(6).affinity("s1", item)).not.toBe(a);
  });

  it("tastes are coherent by category: items of one category correlate more than items of different ones", () => {
    const t = new TasteModel(11);
    const shoppers = Array.from({ length: 400 }, (_, i) => `s${i}`);
    const corr = (x: number[], y: number[]) => {
      const mx = x.reduce((s, v) => s + v, 0) / x.length;
      const my = y.reduce((s, v) => s + v, 0) / y.length;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < x.length; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) ** 2;
        syy += (y[i] - my) ** 2;
      }
      return sxy / Math.sqrt(sxx * syy);
    };
    const aff = (id: string, cat: string) => shoppers.map((s) => t.affinity(s, { productId: id, category: cat }));
    // averaged over 20 categories: pairs of one category vs pairs of two (any single pair of random directions
    // in 8 dimensions may happen to be close)
    let same = 0;
    let cross = 0;
    for (let c = 0; c < 20; c++) {
      same += corr(aff(`A${c}`, `cat${c}`), aff(`B${c}`, `cat${c}`)) / 20;
      cross += corr(aff(`A${c}`, `cat${c}`), aff(`B${c}`, `cat${(c + 1) % 20}`)) / 20;
    }
    expect(same).toBeGreaterThan(0.7);
    expect(Math.abs(cross)).toBeLessThan(0.3);
  });

  it("hashSeed separates keys", () => {
    expect(hashSeed("a", 1)).not.toBe(hashSeed("b", 1));
    expect(hashSeed("a", 1)).not.toBe(hashSeed("a", 2));
  });
});

describe("outcome table", () => {
  it("Wilson interval by hand: 10 of 100", () => {
    const w = wilson(10, 100);
    expect(w.rate).toBe(0.1);
    // centre = (0.1 + 1.9208/100) / 1.038416 = 0.114800; half = 1.96·sqrt(0.0009 + 0.0000960)/1.038416 = 0.059580
    expect(w.lo).toBeCloseTo(0.0552, 3);
    expect(w.hi).toBeCloseTo(0.1744, 3);
    expect(wilson(0, 50).lo).toBe(0);
    expect(Number.isNaN(wilson(0, 0).rate)).toBe(true);
  });

  it("counts per key and reports rates", () => {
    const t = new OutcomeTable();
    t.add("1", "impressions", 4);
    t.add("1", "clicks");
    t.add("1", "purchases");
    const r = t.report()["1"];
    expect(r).toMatchObject({ impressions: 4, clicks: 1, purchases: 1, notInterested: 0 });
    expect(r.ctr.rate).toBe(0.25);
  });
});
