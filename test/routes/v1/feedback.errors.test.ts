import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../../helpers/app";
import { createUser, json } from "../../helpers/auth";
import { pid, postEvents, recsysApp, sid, NOW } from "../../recsys/fixtures";

let t: TestApp;
beforeAll(async () => {
  t = await recsysApp();
});
afterAll(() => t.cleanup());

const code = async (res: Response): Promise<string | undefined> =>
  (await json<{ error?: { code?: string } }>(res)).error?.code;

describe("feedback routes: bad input", () => {
  it("anonymous callers without a session id: 401 session_id_required", async () => {
    const list = await t.app.request("/v1/feedback");
    expect(list.status).toBe(401);
    expect(await code(list)).toBe("session_id_required");
    const del = await t.app.request(`/v1/feedback/${pid(0, 1)}`, { method: "DELETE" });
    expect(del.status).toBe(401);
    expect(await code(del)).toBe("session_id_required");
  });

  it("a malformed session id or product id: 400, never a 500", async () => {
    const bad = await t.app.request("/v1/feedback?session_id=bad!");
    expect(bad.status).toBe(400);
    const long = await t.app.request(`/v1/feedback/${"x".repeat(41)}`, {
      method: "DELETE",
      headers: { "x-session-id": sid(1) },
    });
    expect(long.status).toBe(400);
  });

  it("undoing feedback that was never given: 404 not_found (user and session)", async () => {
    const user = await createUser(t);
    const res = await t.app.request(`/v1/feedback/${pid(0, 1)}`, { method: "DELETE", headers: user.headers });
    expect(res.status).toBe(404);
    expect(await code(res)).toBe("not_found");
    const anon = await t.app.request("/v1/feedback/NO-SUCH", { method: "DELETE", headers: { "x-session-id": sid(2) } });
    expect(anon.status).toBe(404);
  });

  it("an undo is not reverted by a client retrying the original event (idempotent ids)", async () => {
    const h = { "x-session-id": sid(3) };
    const ev = { id: "retry-1", type: "dislike", item_id: pid(1, 1), ts: NOW - 100 };
    expect((await postEvents(t, h, [ev])).status).toBe(200);
    expect((await t.app.request(`/v1/feedback/${pid(1, 1)}`, { method: "DELETE", headers: h })).status).toBe(204);
    const retry = await json<{ duplicates: string[] }>(await postEvents(t, h, [ev]));
    expect(retry.duplicates).toEqual(["retry-1"]);
    expect((await json<{ items: unknown[] }>(await t.app.request("/v1/feedback", { headers: h }))).items).toEqual([]);
  });

  it("negative events without an item or with an unknown item are rejected one by one", async () => {
    const res = await postEvents(t, { "x-session-id": sid(4) }, [
      { id: "d1", type: "dislike", item_id: "NO-SUCH-ITEM", ts: NOW - 10 },
      { id: "d2", type: "hide", listing_id: "no-such-listing", ts: NOW - 10 },
      { id: "d3", type: "dislike", item_id: pid(2, 2), ts: NOW - 10 },
    ]);
    expect(res.status).toBe(207);
    const body = await json<{ accepted: string[]; rejected: { id: string; code: string }[] }>(res);
    expect(body.accepted).toEqual(["d3"]);
    expect(body.rejected.map((r) => [r.id, r.code])).toEqual([
      ["d1", "unknown_item"],
      ["d2", "unknown_listing"],
    ]);
    const list = await json<{ items: { productId: string }[] }>(
      await t.app.request("/v1/feedback", { headers: { "x-session-id": sid(4) } }),
    );
    expect(list.items.map((i) => i.productId)).toEqual([pid(2, 2)]);
  });
});
