import { describe, expect, it } from "vitest";
import { EVENT_SEQ } from "../../../src/recsys/learner/assess";
import type { StoredVersion } from "../../../src/ports/model-registry";
import {
  awaitingAssessment,
  lineageOf,
  planModelQueue,
  type QueueEntry,
  queueOrder,
} from "../../../src/recsys/selection/queue";
import type { QueueMarks } from "../../../src/recsys/selection/store";

const version = (
  v: string,
  createdAt: number,
  metrics: Record<string, number> = {},
  model = "ranker",
): StoredVersion => ({
  model,
  version: v,
  createdAt,
  metrics,
  byteLength: 1,
  chunkCount: 1,
  sha256: "x",
});
const learner = (v: string, at: number, model = "ranker") =>
  version(v, at, { [EVENT_SEQ]: at, "eval.cases": 10 }, model);
const outside = (v: string, at: number, model = "ranker") => version(v, at, {}, model);
const newestFirst = (...vs: StoredVersion[]) => [...vs].sort((a, b) => b.createdAt - a.createdAt);
const marks = (m: Partial<Record<keyof QueueMarks, string[]>> = {}): QueueMarks => ({
  tried: new Set(m.tried),
  superseded: new Set(m.superseded),
  queued: new Set(m.queued),
});
const ids = (es: QueueEntry[]) => es.map((e) => e.version.version);

describe("lineageOf", () => {
  it("a version with the learner's event position is a learner retrain; anything else came from outside", () => {
    expect(lineageOf({ [EVENT_SEQ]: 0 })).toBe("learner");
    expect(lineageOf({ "ndcg@10": 0.1 })).toBe("outside");
    expect(lineageOf({})).toBe("outside");
  });
});

describe("planModelQueue", () => {
  it("keeps an outside version queued behind newer learner retrains; the newest retrain supersedes the older ones", () => {
    const vs = newestFirst(learner("live", 1), outside("o1", 2), learner("l1", 3), learner("l2", 4), learner("l3", 5));
    const q = planModelQueue("ranker", vs, "live", marks());
    expect(ids(q.entries)).toEqual(["o1", "l3"]);
    expect(q.entries.map((e) => e.lineage)).toEqual(["outside", "learner"]);
    // The learner lineage has waited since its oldest untried retrain.
    expect(q.entries[1].since).toBe(3);
    expect(q.superseded).toEqual([
      { version: "l2", by: "l3" },
      { version: "l1", by: "l3" },
    ]);
    expect(ids(q.newlyQueued)).toEqual(["o1"]);
  });

  it("records each mark once: superseded and queued versions are not reported again", () => {
    const vs = newestFirst(learner("live", 1), outside("o1", 2), learner("l1", 3), learner("l2", 4));
    const q = planModelQueue("ranker", vs, "live", marks({ superseded: ["l1"], queued: ["o1"] }));
    expect(ids(q.entries)).toEqual(["o1", "l2"]);
    expect(q.superseded).toEqual([]);
    expect(q.newlyQueued).toEqual([]);
  });

  it("a newer outside version does not supersede an older one: both wait, oldest first", () => {
    const vs = newestFirst(learner("live", 1), outside("o2", 3), outside("o1", 2));
    expect(ids(planModelQueue("ranker", vs, "live", marks()).entries)).toEqual(["o1", "o2"]);
  });

  it("a queued outside version keeps its place after a newer version went live; an unqueued older one never enters", () => {
    const vs = newestFirst(outside("old", 1), outside("o1", 2), learner("promoted", 3));
    const q = planModelQueue("ranker", vs, "promoted", marks({ queued: ["o1"] }));
    expect(ids(q.entries)).toEqual(["o1"]);
  });

  it("tried versions leave the queue for good; the newest retrain tried means no learner entry", () => {
    const vs = newestFirst(learner("live", 1), outside("o1", 2), learner("l1", 3), learner("l2", 4));
    const q = planModelQueue("ranker", vs, "live", marks({ tried: ["o1", "l2"] }));
    expect(q.entries).toEqual([]);
    // l1 was never tried and a newer retrain exists: superseded, even though l2 was held.
    expect(q.superseded).toEqual([{ version: "l1", by: "l2" }]);
  });

  it("after a retrain was tried, the lineage waits since the first retrain registered after it", () => {
    const vs = newestFirst(learner("live", 1), learner("l1", 3), learner("l2", 7), learner("l3", 9));
    const q = planModelQueue("ranker", vs, "live", marks({ tried: ["l1"] }));
    expect(q.entries).toMatchObject([{ version: { version: "l3" }, since: 7 }]);
  });

  it("count models: learner versions are refreshed offline, never queued or superseded here", () => {
    const vs = newestFirst(
      learner("live", 1, "popularity"),
      learner("l1", 2, "popularity"),
      outside("o1", 3, "popularity"),
    );
    const q = planModelQueue("popularity", vs, "live", marks(), false);
    expect(ids(q.entries)).toEqual(["o1"]);
    expect(q.superseded).toEqual([]);
  });
});

describe("queueOrder", () => {
  const entry = (v: StoredVersion, lineage: "learner" | "outside", since: number): QueueEntry => ({
    model: v.model,
    version: v,
    lineage,
    since,
  });
  const o1 = entry(outside("o1", 10), "outside", 10);
  const o2 = entry(outside("o2", 20, "fism-bpr"), "outside", 20);
  const l = entry(learner("l", 30), "learner", 15);

  it("first in, first out by waiting time, across models", () => {
    expect(ids(queueOrder([l, o2, o1], null))).toEqual(["o1", "l", "o2"]);
    expect(ids(queueOrder([l, o2, o1], "learner"))).toEqual(["o1", "l", "o2"]);
  });

  it("after an outside version's experiment, a waiting learner retrain goes next", () => {
    const late = entry(learner("late", 50), "learner", 40);
    expect(ids(queueOrder([o1, o2, late], "outside"))).toEqual(["late", "o1", "o2"]);
    expect(ids(queueOrder([o1, o2], "outside"))).toEqual(["o1", "o2"]);
  });

  it("an entry without offline numbers awaits the learner's assessment for at most the wait", () => {
    expect(awaitingAssessment(o1, 10 + 1000, 180_000)).toBe(true);
    expect(awaitingAssessment(o1, 10 + 180_000, 180_000)).toBe(false);
    expect(awaitingAssessment(l, 30 + 1000, 180_000)).toBe(false); // the learner measured its own
    expect(awaitingAssessment(o1, 10 + 1000, 0)).toBe(false);
  });
});
