import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passwordProblem } from "../../src/auth/password-policy";
import { listingStatuses } from "../../src/db/schema/marketplace";
import { createDbEventLog } from "../../src/adapters/event-log/libsql";
import { canTransition } from "../../src/services/listings/state-machine";
import { createTestDb, type TestDb } from "../helpers/app";

describe("password policy", () => {
  it.each([
    ["Correct-Horse-42", null],
    ["short1A", "at least 10"],
    ["alllowercaseletters", "mix"],
    ["ALLUPPERCASELETTERS", "mix"],
    [`${"x".repeat(129)}A`, "at most"],
  ])("%s", (pw, problem) => {
    const p = passwordProblem(pw, "someone@example.test");
    if (problem === null) expect(p).toBeNull();
    else expect(p).toContain(problem);
  });
  it("refuses the email and near variants of its local part", () => {
    expect(passwordProblem("Someone@Example.test", "someone@example.test")).not.toBeNull();
    expect(passwordProblem("someone123", "someone@example.test")).not.toBeNull();
    expect(passwordProblem("someone-is-a-Great-pass", "someone@example.test")).toBeNull();
  });
});

describe("listing state machine", () => {
  it("allows exactly the documented transitions", () => {
    const allowed = listingStatuses.flatMap((from) =>
      listingStatuses.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`),
    );
    expect(allowed.sort()).toEqual([
      "active->reserved",
      "active->withdrawn",
      "reserved->active",
      "reserved->sold",
      "reserved->withdrawn",
    ]);
  });
});

describe("EventLog over the events table", () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.cleanup());

  it("stores events and skips a repeated clientEventId", async () => {
    let n = 0;
    const log = createDbEventLog(
      db.db,
      () => 1_700_000_000_000,
      () => `ev-${++n}`,
    );
    expect(
      await log.record([
        { type: "view", userId: "u1", parentAsin: "B1", clientEventId: "c-1", context: { a: 1 } },
        { type: "favorite", anonId: "s1", parentAsin: "B2" },
      ]),
    ).toBe(2);
    expect(await log.record([{ type: "view", userId: "u1", parentAsin: "B1", clientEventId: "c-1" }])).toBe(0);
    const { rows } = await db.db.$client.execute("SELECT * FROM events ORDER BY id");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      user_id: "u1",
      parent_asin: "B1",
      type: "view",
      ts: 1_700_000_000_000,
      context: '{"a":1}',
    });
    expect(rows[1]).toMatchObject({ anon_id: "s1", user_id: null, client_event_id: null });
  });

  it("has the (user_id, ts) and (item, ts) indexes the recommender reads by", async () => {
    const { rows } = await db.db.$client.execute(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'",
    );
    const names = rows.map((r) => String(r.name));
    expect(names).toEqual(expect.arrayContaining(["events_user_ts_idx", "events_item_ts_idx"]));
  });
});
