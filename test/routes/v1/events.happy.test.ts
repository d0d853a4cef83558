import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../../helpers/app";
import { createKey, createUser, json } from "../../helpers/auth";
import { pid, postEvents, recsysApp, sid, NOW } from "../../recsys/fixtures";

interface Result {
  accepted: string[];
  duplicates: string[];
  rejected: { index: number; id: string | null; code: string; message: string }[];
}

let t: TestApp;
beforeAll(async () => {
  t = await recsysApp();
});
afterAll(() => t.cleanup());

describe("POST /v1/events", () => {
  it("keeps the good events of a mixed batch and rejects the bad ones one by one (207)", async () => {
    const res = await postEvents(t, { "x-session-id": sid(30) }, [
      { id: "ok-1", type: "view", item_id: pid(0, 1), ts: NOW - 5000 },
      { id: "bad-type", type: "teleport", item_id: pid(0, 1) },
      { id: "bad-item", type: "view", item_id: "NOPE-404" },
      { id: "no-item", type: "view" },
      { id: "ok-1", type: "click", item_id: pid(0, 2) },
      { id: "future", type: "view", item_id: pid(0, 2), ts: NOW + 3_600_000 },
      "not an object",
      { id: "ok-2", type: "cart", item_id: pid(0, 2), ts: "2025-12-31T23:59:59Z", context: { surface: "feed" } },
    ]);
    expect(res.status).toBe(207);
    const body = await json<Result>(res);
    expect(body.accepted).toEqual(["ok-1", "ok-2"]);
    expect(body.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, "invalid_event"],
      [2, "unknown_item"],
      [3, "invalid_event"],
      [4, "duplicate_in_batch"],
      [5, "invalid_timestamp"],
      [6, "invalid_event"],
    ]);
    const rows = await t.db.$client.execute(
      "SELECT type, parent_asin, anon_id FROM events WHERE anon_id = 'sess-000030' ORDER BY ts",
    );
    expect(rows.rows.map((r) => [r.type, r.parent_asin])).toEqual([
      ["view", pid(0, 1)],
      ["cart_add", pid(0, 2)],
    ]);
    const history = await t.deps.sessions.recent(sid(30));
    expect(history.map((e) => [e.itemId, e.type])).toEqual([
      [pid(0, 2), "cart"],
      [pid(0, 1), "view"],
    ]);
  });

  it("is idempotent by client event id: a replay is reported as duplicate and stored once", async () => {
    const batch = [{ id: "idem-1", type: "view", item_id: pid(2, 1) }];
    const first = await json<Result>(await postEvents(t, { "x-session-id": sid(31) }, batch));
    const again = await postEvents(t, { "x-session-id": sid(31) }, batch);
    expect(again.status).toBe(200);
    const second = await json<Result>(again);
    expect(first.duplicates).toEqual([]);
    expect(second).toMatchObject({ accepted: ["idem-1"], duplicates: ["idem-1"] });
    const n = await t.db.$client.execute("SELECT count(*) AS n FROM events WHERE anon_id = 'sess-000031'");
    expect(Number(n.rows[0].n)).toBe(1);
    expect(await t.deps.sessions.recent(sid(31))).toHaveLength(1);
    // Another session may use the same client id: idempotency is per actor.
    const other = await json<Result>(await postEvents(t, { "x-session-id": sid(32) }, batch));
    expect(other.duplicates).toEqual([]);
  });

  it("resolves a listing id to its product", async () => {
    const seller = await createUser(t, "seller");
    const res = await t.app.request("/v1/listings", {
      method: "POST",
      headers: { ...seller.headers, "content-type": "application/json" },
      body: JSON.stringify({
        productId: pid(3, 3),
        condition: "good",
        price: { amountMinor: 1000, currency: "USD" },
        description: "ok",
      }),
    });
    const listing = await json<{ id: string }>(res);
    const body = await json<Result>(
      await postEvents(t, { "x-session-id": sid(33) }, [
        { id: "l-1", type: "click", listing_id: listing.id },
        { id: "l-2", type: "click", listing_id: "missing-listing" },
      ]),
    );
    expect(body.accepted).toEqual(["l-1"]);
    expect(body.rejected[0].code).toBe("unknown_listing");
    expect((await t.deps.sessions.recent(sid(33)))[0].itemId).toBe(pid(3, 3));
  });
});

describe("POST /v1/events: malformed bodies and auth", () => {
  it("answers a wholly malformed body with the common 400 error body", async () => {
    for (const body of [
      '{"events": "x"}',
      "not json",
      '{"events": []}',
      JSON.stringify({
        events: Array.from({ length: 501 }, (_, i) => ({ id: `x${i}`, type: "view", item_id: pid(0, 1) })),
      }),
    ]) {
      const res = await t.app.request("/v1/events", {
        method: "POST",
        headers: { "content-type": "application/json", "x-session-id": sid(34) },
        body,
      });
      expect(res.status).toBe(400);
      const err = await json<{ error: { code: string; requestId: string } }>(res);
      expect(err.error.requestId).toBeTruthy();
    }
  });

  it("refuses anonymous callers that send no session id (401 session_id_required)", async () => {
    const res = await postEvents(t, {}, [{ id: "a", type: "view", item_id: pid(0, 1) }]);
    expect(res.status).toBe(401);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe("session_id_required");
    // A session id inside the event is enough.
    const ok = await postEvents(t, {}, [{ id: "a", type: "view", item_id: pid(0, 1), session_id: sid(35) }]);
    expect(ok.status).toBe(200);
  });

  it("needs the events:write scope for API keys and files events under the end user the key names", async () => {
    const owner = await createUser(t, "buyer");
    const readOnly = await createKey(t, owner, ["recommendations:read"]);
    const denied = await postEvents(t, readOnly.headers, [{ id: "k", type: "view", item_id: pid(0, 1) }]);
    expect(denied.status).toBe(403);
    const writer = await createKey(t, owner, ["events:write"]);
    const ok = await postEvents(t, { ...writer.headers, "x-end-user-id": "shopper-42" }, [
      { id: "k", type: "view", item_id: pid(0, 1) },
    ]);
    expect(ok.status).toBe(200);
    const row = await t.db.$client.execute({
      sql: "SELECT user_id, anon_id FROM events WHERE client_event_id = ?",
      args: [`s:key.${owner.userId}.u.shopper-42:k`],
    });
    expect(row.rows.map((r) => [r.user_id, r.anon_id])).toEqual([[null, `key.${owner.userId}.u.shopper-42`]]);
    const bad = await postEvents(t, { "x-api-key": "rc_not_a_real_key" }, [
      { id: "k2", type: "view", item_id: pid(0, 1) },
    ]);
    expect(bad.status).toBe(401);
  });
});
