import { describe, expect, it } from "vitest";
import { TopK } from "../../../src/adapters/vector-index/topk.js";
import { rng } from "../../../src/adapters/vector-index/ivf.js";

describe("TopK", () => {
  it("drainSlots empties the heap best first, matching sorted() on distinct scores", () => {
    const r = rng(3);
    for (const [k, n] of [
      [1, 5],
      [7, 3],
      [40, 1000],
      [260, 694],
    ]) {
      const a = new TopK(k);
      const b = new TopK(k);
      for (let i = 0; i < n; i++) {
        const s = r();
        a.push(s, i);
        b.push(s, i);
      }
      const out = new Int32Array(a.size);
      expect(a.drainSlots(out)).toBe(Math.min(k, n));
      expect(Array.from(out)).toEqual(b.sorted().map((e) => e.slot));
      expect(a.size).toBe(0);
      a.push(2, 99); // reusable after draining
      expect(a.sorted()).toEqual([{ score: 2, slot: 99 }]);
    }
  });
});
