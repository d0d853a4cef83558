import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../../helpers/app";
import { createKey, createUser, json } from "../../helpers/auth";
import { runOpenRouteMatrix } from "../../helpers/open-route-matrix";
import { pid, postEvents, recsysApp, NOW } from "../../recsys/fixtures";

let t: TestApp;
beforeAll(async () => {
  t = await recsysApp();
});
afterAll(() => t.cleanup());

let n = 0;
runOpenRouteMatrix("events", () => t, [
  {
    name: "POST /v1/events",
    method: "POST",
    path: "/v1/events",
    body: () => ({ events: [{ id: `m-${++n}`, type: "view", item_id: pid(0, 1), ts: NOW - 1000 }] }),
    okStatus: 200,
    scope: "events:write",
    // The stored row of the event just accepted: whose it is.
    actedAs: async (t, res) => {
      const { accepted } = await json<{ accepted: string[] }>(res);
      const r = await t.db.$client.execute({
        sql: "SELECT user_id FROM events WHERE client_event_id LIKE ?",
        args: [`%:${accepted[0]}`],
      });
      expect(r.rows).toHaveLength(1);
      return r.rows[0].user_id === null ? null : String(r.rows[0].user_id);
    },
  },
]);

describe("POST /v1/events: who an event belongs to", () => {
  it("the user is always the caller: a user_id in the body is refused, never used", async () => {
    const [alice, mallory] = await Promise.all([createUser(t), createUser(t)]);
    const res = await postEvents(t, mallory.headers, [
      { id: "spoof-1", type: "purchase", item_id: pid(0, 2), ts: NOW - 1000, user_id: alice.userId },
    ]);
    const body = await json<{ accepted: string[]; rejected: { code: string }[] }>(res);
    const stored = await t.db.$client.execute({
      sql: "SELECT user_id FROM events WHERE client_event_id LIKE '%:spoof-1'",
      args: [],
    });
    // Either refused as an unknown field, or stored under Mallory: never under Alice.
    if (body.accepted.includes("spoof-1")) expect(stored.rows.map((r) => r.user_id)).toEqual([mallory.userId]);
    else expect(body.rejected[0].code).toBe("invalid_event");
    const alices = await t.db.$client.execute({
      sql: "SELECT count(*) AS n FROM events WHERE user_id = ?",
      args: [alice.userId],
    });
    expect(Number(alices.rows[0].n)).toBe(0);
  });

  it("an API key's events are its end user's, never its owner's, and idempotency is per end user", async () => {
    const [owner, other] = await Promise.all([createUser(t), createUser(t)]);
    const key = await createKey(t, owner, ["events:write"]);
    const ev = [{ id: "same-client-id", type: "view", item_id: pid(1, 1), ts: NOW - 1000, end_user_id: "eu-1" }];
    expect((await json<{ accepted: string[] }>(await postEvents(t, key.headers, ev))).accepted).toEqual([
      "same-client-id",
    ]);
    const fromOther = await json<{ accepted: string[] }>(
      await postEvents(t, other.headers, [{ id: "same-client-id", type: "view", item_id: pid(1, 1), ts: NOW - 1000 }]),
    );
    expect(fromOther.accepted).toEqual(["same-client-id"]); // not swallowed as the key's duplicate
    const rows = await t.db.$client.execute({
      sql: "SELECT user_id, anon_id FROM events WHERE client_event_id LIKE '%:same-client-id'",
      args: [],
    });
    expect(rows.rows.map((r) => [r.user_id, r.anon_id])).toEqual(
      expect.arrayContaining([
        [null, `key.${owner.userId}.u.eu-1`],
        [other.userId, null],
      ]),
    );
  });
});
