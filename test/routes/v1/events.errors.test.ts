import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../../helpers/app";
import { json } from "../../helpers/auth";
import { pid, postEvents, recsysApp, sid, NOW } from "../../recsys/fixtures";

interface ErrorBody {
  error: { code: string; requestId: string };
}
interface Result {
  accepted: string[];
  rejected: { index: number; code: string }[];
}

let t: TestApp;
beforeAll(async () => {
  t = await recsysApp();
});
afterAll(() => t.cleanup());

const count = async (): Promise<number> =>
  Number((await t.db.$client.execute("SELECT count(*) AS n FROM events")).rows[0].n);
const raw = (body: string, type = "application/json"): Promise<Response> | Response =>
  t.app.request("/v1/events", { method: "POST", headers: { "content-type": type, "x-session-id": sid(900) }, body });

describe("POST /v1/events: a bad batch is refused whole, with nothing stored", () => {
  it("malformed bodies: 400 with the common error body", async () => {
    for (const body of [
      "{not json",
      "[]",
      '"x"',
      "{}",
      JSON.stringify({ events: "no" }),
      JSON.stringify({ events: [] }),
    ]) {
      const before = await count();
      const res = await raw(body);
      expect(res.status, body).toBe(400);
      const b = await json<ErrorBody>(res);
      expect(b.error.code, body).toBeTruthy();
      expect(b.error.requestId, body).toBeTruthy();
      expect(await count()).toBe(before);
    }
  });

  it("more than 500 events: 400, none stored", async () => {
    const before = await count();
    const events = Array.from({ length: 501 }, (_, i) => ({
      id: `big-${i}`,
      type: "view",
      item_id: pid(0, 1),
      ts: NOW - 1000,
    }));
    const res = await postEvents(t, { "x-session-id": sid(901) }, events);
    expect(res.status).toBe(400);
    expect((await json<ErrorBody>(res)).error.code).toBe("invalid_request");
    expect(await count()).toBe(before);
  });

  it("a body over MAX_BODY_BYTES: 413 payload_too_large", async () => {
    const res = await raw(
      JSON.stringify({
        events: [{ id: "x", type: "view", item_id: pid(0, 1), context: { pad: "p".repeat(400_000) } }],
      }),
    );
    expect(res.status).toBe(413);
    expect((await json<ErrorBody>(res)).error.code).toBe("payload_too_large");
  });

  it("anonymous without any session id: 401 session_id_required", async () => {
    const res = await t.app.request("/v1/events", {
      method: "POST",
      headers: { "content-type": "application/json", cookie: "rc_sid=" },
      body: JSON.stringify({ events: [{ id: "a", type: "view", item_id: pid(0, 1) }] }),
    });
    // The anon-session middleware mints an rc_sid for cookie-less browsers; the events route only trusts an id the client sent.
    expect(res.status).toBe(401);
    expect((await json<ErrorBody>(res)).error.code).toBe("session_id_required");
  });
});

describe("POST /v1/events: bad events are rejected one by one, the good ones kept", () => {
  it("an oversize context, an ancient timestamp and an unknown listing are rejected with their own codes", async () => {
    const res = await postEvents(t, { "x-session-id": sid(902) }, [
      { id: "big-ctx", type: "view", item_id: pid(0, 1), context: { pad: "p".repeat(3000) } },
      { id: "ancient", type: "view", item_id: pid(0, 1), ts: NOW - 400 * 86_400_000 },
      { id: "no-listing", type: "click", listing_id: "L-does-not-exist" },
      { id: "fine", type: "favorite", item_id: pid(0, 3), ts: NOW - 1000 },
    ]);
    expect(res.status).toBe(207);
    const body = await json<Result>(res);
    expect(body.accepted).toEqual(["fine"]);
    expect(body.rejected.map((r) => [r.index, r.code])).toEqual([
      [0, "context_too_large"],
      [1, "invalid_timestamp"],
      [2, "unknown_listing"],
    ]);
  });

  it("a batch where every event is bad stores nothing and says why for each", async () => {
    const before = await count();
    const res = await postEvents(t, { "x-session-id": sid(903) }, [
      { id: "bad id with spaces", type: "view", item_id: pid(0, 1) },
      { id: "t", type: "teleport", item_id: pid(0, 1) },
    ]);
    expect(res.status).toBe(207);
    const body = await json<Result>(res);
    expect(body.accepted).toEqual([]);
    expect(body.rejected.map((r) => [r.index, r.code])).toEqual([
      [0, "invalid_event"],
      [1, "invalid_event"],
    ]);
    expect(await count()).toBe(before);
  });
});
