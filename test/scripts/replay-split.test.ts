import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readDataset, subsampleUsers, type ReplayEvent } from "../../scripts/lib/replay/dataset";
import { groupSteps, parseSplit, splitEvents, windowBounds } from "../../scripts/lib/replay/split";

const dir = mkdtempSync(join(tmpdir(), "replay-split-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ev = (user: string, item: string, ts: number, seq: number, file = 0): ReplayEvent => ({
  user,
  item,
  ts,
  seq,
  file,
});

describe("--split parsing", () => {
  it("reads fractions, times, ISO dates and files; refuses the rest", () => {
    expect(parseSplit("0.8")).toEqual({ kind: "fraction", fraction: 0.8 });
    expect(parseSplit(".5")).toEqual({ kind: "fraction", fraction: 0.5 });
    expect(parseSplit("1628643414042")).toEqual({ kind: "time", time: 1628643414042 });
    expect(parseSplit("12")).toEqual({ kind: "time", time: 12 });
    expect(parseSplit("2021-08-11")).toEqual({ kind: "time", time: Date.parse("2021-08-11") });
    expect(parseSplit("files")).toEqual({ kind: "files" });
    expect(() => parseSplit("1.5")).toThrow(/fraction/);
    expect(() => parseSplit("0")).toThrow(/fraction/);
    expect(() => parseSplit("soon")).toThrow(/--split/);
  });
});

describe("splitting", () => {
  const events = [
    ev("a", "1", 100, 0),
    ev("a", "2", 300, 1),
    ev("b", "1", 200, 2),
    ev("b", "3", 400, 3),
    ev("c", "2", 500, 4),
  ];

  it("by time: ts < cut is history, the rest is replayed in time order", () => {
    const s = splitEvents(events, { kind: "time", time: 300 });
    expect(s.history.map((e) => e.ts)).toEqual([100, 200]);
    expect(s.replay.map((e) => e.ts)).toEqual([300, 400, 500]);
    expect(s.cut).toBe(300);
  });

  it("by fraction: the cut is the time below which that share falls", () => {
    const s = splitEvents(events, { kind: "fraction", fraction: 0.6 });
    expect(s.history.map((e) => e.ts)).toEqual([100, 200, 300]);
    expect(s.replay.map((e) => e.ts)).toEqual([400, 500]);
  });

  it("by files: the first file is history", () => {
    const s = splitEvents([ev("a", "1", 9, 0, 0), ev("a", "2", 1, 1, 1), ev("b", "2", 5, 2, 2)], { kind: "files" });
    expect(s.history).toHaveLength(1);
    expect(s.replay.map((e) => e.ts)).toEqual([1, 5]);
  });

  it("refuses a cut with nothing on one side", () => {
    expect(() => splitEvents(events, { kind: "time", time: 50 })).toThrow(/no history/);
    expect(() => splitEvents(events, { kind: "time", time: 900 })).toThrow(/no events to replay/);
  });

  it("on the position clock (Games), ties at the cut all go to the replay and steps group per user and time", async () => {
    const p = join(dir, "Video.txt");
    writeFileSync(p, ["1 10", "1 11", "1 12", "2 10", "2 13", "2 14", "2 15", "3 16"].join("\n"));
    const d = await readDataset([p]);
    expect(d.hasTimestamps).toBe(false);
    expect(d.files[0]).toMatchObject({ format: "sasrec_txt", events: 8 });
    expect(d.events.map((e) => `${e.user}@${e.ts}`)).toEqual(["1@1", "1@2", "1@3", "2@1", "2@2", "2@3", "2@4", "3@1"]);
    const s = splitEvents(d.events, { kind: "time", time: 3 });
    expect(s.history).toHaveLength(5);
    expect(s.replay.map((e) => `${e.user}@${e.ts}`)).toEqual(["1@3", "2@3", "2@4"]);
    const ticks = groupSteps(s.replay);
    expect(ticks.map((t) => t.map((st) => `${st.user}@${st.ts}:${st.events.map((x) => x.index).join("+")}`))).toEqual([
      ["1@3:0", "2@3:1"],
      ["2@4:2"],
    ]);
    // fraction 0.5 on positions: the 4th of 8 sorted times is position 2, so positions ≥ 2 are replayed
    expect(splitEvents(d.events, { kind: "fraction", fraction: 0.5 }).replay).toHaveLength(5);
  });

  it("reads benchmark CSVs, drops rows repeated across files, and refuses item files", async () => {
    const a = join(dir, "x.train.csv");
    const b = join(dir, "x.test.csv");
    writeFileSync(a, "user_id,parent_asin,rating,timestamp,history\nU1,B1,5.0,1000,\nU1,B2,4.0,2000,B1\n");
    writeFileSync(b, "user_id,parent_asin,rating,timestamp,history\nU1,B2,4.0,2000,B1\nU1,B3,4.0,3000,B1 B2\n");
    const d = await readDataset([a, b]);
    expect(d.events.map((e) => [e.item, e.file])).toEqual([
      ["B1", 0],
      ["B2", 0],
      ["B3", 1],
    ]);
    const meta = join(dir, "meta_x.jsonl");
    writeFileSync(meta, '{"parent_asin":"B1","main_category":"x"}\n');
    await expect(readDataset([meta])).rejects.toThrow(/--items/);
  });

  it("subsamples whole users, reproducibly", () => {
    const many = Array.from({ length: 100 }, (_, i) => ev(`u${i % 20}`, `i${i}`, i, i));
    const s1 = subsampleUsers(many, 5, 3);
    expect(new Set(s1.map((e) => e.user)).size).toBe(5);
    expect(s1).toHaveLength(25);
    expect(subsampleUsers(many, 5, 3)).toEqual(s1);
  });

  it("windows split the cases into equal counts", () => {
    expect(windowBounds(10, 3)).toEqual([0, 3, 7, 10]);
    expect(windowBounds(2, 5)).toEqual([0, 1, 2]);
  });
});
