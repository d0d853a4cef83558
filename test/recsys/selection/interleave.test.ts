import { describe, expect, it } from "vitest";
import { interleave, seededRandom } from "../../../src/recsys/selection/interleave";

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe("biased team-draft interleaving", () => {
  it("never repeats an item and credits each slot to the arm that picked it", () => {
    const a = [1, 2, 3, 4, 5];
    const b = [3, 1, 9, 8, 2];
    const out = interleave(a, b, (x) => x, 0.5, seededRandom(1), 10);
    expect(new Set(out.items).size).toBe(out.items.length);
    expect(out.items.length).toBe(7); // the union of both lists
    out.items.forEach((item, j) => {
      const list = out.arms[j] === "champion" ? a : b;
      expect(list).toContain(item);
    });
  });

  it("each arm contributes its own best remaining item", () => {
    const out = interleave([1, 2, 3], [7, 8, 9], (x) => x, 0.5, seededRandom(3), 6);
    const champ = out.items.filter((_, j) => out.arms[j] === "champion");
    const chall = out.items.filter((_, j) => out.arms[j] === "challenger");
    expect(champ).toEqual([1, 2, 3].slice(0, champ.length));
    expect(chall).toEqual([7, 8, 9].slice(0, chall.length));
  });

  it("gives the challenger about `share` of every position (position bias falls on both arms alike)", () => {
    const random = seededRandom(42);
    const share = 0.2;
    const positions = 10;
    const counts = new Array(positions).fill(0);
    const runs = 20_000;
    for (let r = 0; r < runs; r++) {
      const out = interleave(ids(50), ids(50, 1000), (x) => x, share, random, positions);
      out.arms.forEach((arm, j) => {
        if (arm === "challenger") counts[j]++;
      });
    }
    for (const c of counts) expect(Math.abs(c / runs - share)).toBeLessThan(0.015);
  });

  it("an exhausted arm yields its slots; limit and empty lists are honoured", () => {
    const out = interleave([1], [5, 6, 7], (x) => x, 0, seededRandom(9), 3);
    expect(out.items).toEqual([1, 5, 6]);
    expect(out.arms).toEqual(["champion", "challenger", "challenger"]);
    expect(interleave([], [], (x) => x, 0.5, seededRandom(1), 5).items).toEqual([]);
  });
});
