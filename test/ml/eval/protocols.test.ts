import { describe, expect, it } from "vitest";
import type { Sequence } from "../../../ml/core/recommender.js";
import type { InteractionLog } from "../../../ml/data/interactions.js";
import {
  looFullProtocol,
  officialProtocol,
  sasrecProtocol,
  sessionProtocol,
  type EvalTask,
} from "../../../ml/eval/protocols.js";
import type { OfficialSplit } from "../../../ml/data/amazon-csv.js";

function log(seqs: number[][], times?: number[][]): InteractionLog {
  const numItems = Math.max(...seqs.flat()) + 1;
  const sequences: Sequence[] = seqs.map((items, u) => ({
    user: u,
    items: Int32Array.from(items),
    timestamps: Float64Array.from(times?.[u] ?? items.map(() => 0)),
  }));
  return {
    source: "fixture",
    userIds: seqs.map((_, u) => `u${u}`),
    itemIds: Array.from({ length: numItems }, (_, i) => `i${i}`),
    sequences,
    hasTimestamps: times !== undefined,
  };
}

/** No held-out target event may appear in the training data of the same user at or after its position. */
function expectNoLeak(task: EvalTask, heldOut: { user: number; target: number; position: number }[]): void {
  for (const h of heldOut) {
    const train = task.train.sequences.find((s) => s.user === h.user);
    if (train !== undefined) expect(train.items.length).toBeLessThanOrEqual(h.position);
  }
}

const fixture = [
  [0, 1, 2, 3, 4],
  [5, 6, 7],
  [8, 9],
  [1, 3, 5, 7, 9, 2],
];

describe("sasrec protocol", () => {
  const task = sasrecProtocol(log(fixture), { seed: 1, negatives: 3 });

  it("trains on all but the last two items of users with 3+ items; short users train whole", () => {
    expect(task.train.sequences.map((s) => Array.from(s.items))).toEqual([[0, 1, 2], [5], [8, 9], [1, 3, 5, 7]]);
  });

  it("validation = second last, test = last, history includes validation item at test time", () => {
    const t0 = task.test.find((c) => c.user === 0)!;
    expect(t0.target).toBe(4);
    expect(Array.from(t0.query.history)).toEqual([0, 1, 2, 3]);
    const v0 = task.validation.find((c) => c.user === 0)!;
    expect(v0.target).toBe(3);
    expect(Array.from(v0.query.history)).toEqual([0, 1, 2]);
    expect(task.test.some((c) => c.user === 2)).toBe(false);
  });

  it("never puts a test or validation item into training", () => {
    expectNoLeak(task, [
      { user: 0, target: 4, position: 3 },
      { user: 1, target: 7, position: 1 },
      { user: 3, target: 2, position: 4 },
    ]);
  });

  it("refit data adds validation events but never a test event", () => {
    expect(task.refitTrain.sequences.map((s) => Array.from(s.items))).toEqual([
      [0, 1, 2, 3],
      [5, 6],
      [8, 9],
      [1, 3, 5, 7, 9],
    ]);
    for (const c of task.test) {
      const refit = task.refitTrain.sequences[c.user];
      expect(refit.items.length).toBe(fixture[c.user].length - 1);
    }
  });

  it("samples negatives the user never touched, target first, no duplicates", () => {
    for (const c of [...task.test, ...task.validation]) {
      const cands = Array.from(c.candidates!);
      expect(cands[0]).toBe(c.target);
      expect(new Set(cands).size).toBe(cands.length);
      const touched = new Set(fixture[c.user]);
      for (const n of cands.slice(1)) expect(touched.has(n)).toBe(false);
    }
  });

  it("caps evaluated users, deterministically under the seed", () => {
    const many = log(Array.from({ length: 50 }, (_, u) => [u % 7, (u + 1) % 7, (u + 2) % 7, 7 + (u % 5)]));
    const a = sasrecProtocol(many, { seed: 3, maxUsers: 10, negatives: 2 });
    const b = sasrecProtocol(many, { seed: 3, maxUsers: 10, negatives: 2 });
    expect(a.test.length).toBe(10);
    expect(a.test.map((c) => [c.user, ...c.candidates!])).toEqual(b.test.map((c) => [c.user, ...c.candidates!]));
  });
});

describe("loo-full protocol", () => {
  it("same split, full ranking with history excluded", () => {
    const task = looFullProtocol(log(fixture), { seed: 1 });
    expect(task.excludeHistory).toBe(true);
    expect(task.test.every((c) => c.candidates === undefined)).toBe(true);
    expect(task.test.map((c) => c.target)).toEqual([4, 7, 2]);
    expectNoLeak(task, [{ user: 3, target: 2, position: 4 }]);
  });
});

describe("official protocol", () => {
  it("uses the split files' train log and held-out cases as given", () => {
    const train = log(
      [
        [0, 1],
        [2, 3],
      ],
      [
        [1, 2],
        [1, 2],
      ],
    );
    const split: OfficialSplit = {
      train,
      valid: [
        { user: 0, history: Int32Array.from([0, 1]), historyTimestamps: new Float64Array(2), target: 2, timestamp: 3 },
      ],
      test: [
        {
          user: 0,
          history: Int32Array.from([0, 1, 2]),
          historyTimestamps: new Float64Array(3),
          target: 3,
          timestamp: 4,
        },
      ],
      files: { train: "a.train.csv", valid: "a.valid.csv", test: "a.test.csv" },
    };
    const task = officialProtocol(split, { seed: 1 });
    expect(task.test[0].target).toBe(3);
    expect(Array.from(task.test[0].query.history)).toEqual([0, 1, 2]);
    expect(task.train.sequences.map((s) => Array.from(s.items))).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(task.refitTrain.sequences.map((s) => Array.from(s.items))).toEqual([
      [0, 1, 2],
      [2, 3],
    ]);
    expect(task.excludeHistory).toBe(true);
  });
});

describe("session protocol", () => {
  const min = 60_000;
  // user 0: two sessions (gap 2h); user 1: one late session; user 2: one latest session.
  const l = log(
    [
      [0, 1, 2, 3, 4],
      [1, 2, 3],
      [2, 3, 4],
    ],
    [
      [0, min, 2 * min, 200 * min, 201 * min],
      [300 * min, 301 * min, 302 * min],
      [400 * min, 401 * min, 402 * min],
    ],
  );

  it("cuts sessions at the gap and holds out the latest sessions, every position a case", () => {
    const task = sessionProtocol(l, { seed: 1, gapMinutes: 30, testFraction: 0.25 });
    // 4 sessions: [0,1,2]@0, [3,4]@200, [1,2,3]@300, [2,3,4]@400 -> test = latest 1, valid = the one before
    expect(task.train.sequences.map((s) => Array.from(s.items))).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
    expect(task.test.map((c) => [Array.from(c.query.history), c.target])).toEqual([
      [[2], 3],
      [[2, 3], 4],
    ]);
    expect(task.validation.map((c) => [Array.from(c.query.history), c.target])).toEqual([
      [[1], 2],
      [[1, 2], 3],
    ]);
  });

  it("never trains on a held-out session (refit adds validation sessions only)", () => {
    const task = sessionProtocol(l, { seed: 1, gapMinutes: 30, testFraction: 0.25 });
    for (const s of task.train.sequences) expect(s.timestamps[0]).toBeLessThan(300 * min);
    for (const s of task.refitTrain.sequences) expect(s.timestamps[0]).toBeLessThan(400 * min);
  });

  it("refuses data without timestamps", () => {
    expect(() => sessionProtocol(log(fixture), { seed: 1, gapMinutes: 30 })).toThrow(/timestamps/);
  });
});
