import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../../helpers/app";
import { createKey, createUser, json, type TestUser } from "../../helpers/auth";
import { runOpenRouteMatrix } from "../../helpers/open-route-matrix";
import { pid, postEvents, recsysApp, sid, NOW, type FeedBody } from "../../recsys/fixtures";

let t: TestApp;
beforeAll(async () => {
  t = await recsysApp();
});
afterAll(() => t.cleanup());

runOpenRouteMatrix("feedback", () => t, [
  { name: "GET /v1/feedback", method: "GET", path: "/v1/feedback", okStatus: 200, scope: "recommendations:read" },
]);

interface FeedbackList {
  items: { productId: string }[];
}
const list = async (h: Record<string, string>): Promise<string[]> =>
  (await json<FeedbackList>(await t.app.request("/v1/feedback", { headers: h }))).items.map((i) => i.productId);
const undo = (h: Record<string, string>, productId: string) =>
  t.app.request(`/v1/feedback/${productId}`, { method: "DELETE", headers: h });

describe("feedback belongs to its user or session", () => {
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([createUser(t), createUser(t)]);
    await postEvents(t, alice.headers, [{ id: "a1", type: "hide", item_id: pid(0, 6), ts: NOW - 10 }]);
  });

  it("another user never sees it, cannot undo it (404), and is not filtered by it", async () => {
    expect(await list(bob.headers)).toEqual([]);
    const res = await undo(bob.headers, pid(0, 6));
    expect(res.status).toBe(404);
    expect(await list(alice.headers)).toEqual([pid(0, 6)]);
    await postEvents(t, bob.headers, [{ id: "b-v", type: "view", item_id: pid(0, 5), ts: NOW - 5 }]);
    const feed = await json<FeedBody>(await t.app.request("/v1/feed?limit=50", { headers: bob.headers }));
    expect(feed.items.map((i) => i.productId)).toContain(pid(0, 6));
  });

  it("a session's feedback is invisible to and not undoable from another session or a signed-in user elsewhere", async () => {
    const mine = { "x-session-id": sid(700) };
    await postEvents(t, mine, [{ id: "s1", type: "not_interested", item_id: pid(1, 6), ts: NOW - 10 }]);
    expect(await list({ "x-session-id": sid(701) })).toEqual([]);
    expect((await undo({ "x-session-id": sid(701) }, pid(1, 6))).status).toBe(404);
    expect((await undo(bob.headers, pid(1, 6))).status).toBe(404);
    expect(await list(mine)).toEqual([pid(1, 6)]);
  });

  it("an API key never reads or undoes its owner's feedback: only its end user's, and undo needs events:write", async () => {
    const readOnly = await createKey(t, alice, ["recommendations:read"]);
    const writer = await createKey(t, alice, ["events:write"]);
    const endUser = { "x-end-user-id": "app-user-7" };
    expect(await list({ ...readOnly.headers, ...endUser })).toEqual([]);
    const denied = await undo({ ...readOnly.headers, ...endUser }, pid(0, 6));
    expect(denied.status).toBe(403);
    expect((await json<{ error: { code: string } }>(denied)).error.code).toBe("insufficient_scope");
    expect((await undo({ ...writer.headers, ...endUser }, pid(0, 6))).status).toBe(404);
    expect(await list(alice.headers)).toEqual([pid(0, 6)]);
    // The end user's own feedback, given through the key, is the end user's and undoable through the key.
    await postEvents(t, { ...writer.headers, ...endUser }, [
      { id: "eu1", type: "hide", item_id: pid(1, 6), ts: NOW - 10 },
    ]);
    expect(await list(alice.headers)).toEqual([pid(0, 6)]);
    const bobsKey = await createKey(t, bob, ["events:write"]);
    expect((await undo({ ...bobsKey.headers, ...endUser }, pid(1, 6))).status).toBe(404);
    expect((await undo({ ...writer.headers, ...endUser }, pid(1, 6))).status).toBe(204);
    const keyOnly = await t.app.request("/v1/feedback", { headers: readOnly.headers });
    expect(keyOnly.status).toBe(400);
    expect((await json<{ error: { code: string } }>(keyOnly)).error.code).toBe("end_user_required");
  });

  it("a forged bearer token lists nothing of the user it names (anonymous, own session only)", async () => {
    await postEvents(t, alice.headers, [{ id: "a2", type: "dislike", item_id: pid(2, 6), ts: NOW - 10 }]);
    const res = await t.app.request("/v1/feedback", {
      headers: { authorization: "Bearer forged-token", "x-session-id": sid(702) },
    });
    expect(res.status).toBe(200);
    expect((await json<FeedbackList>(res)).items).toEqual([]);
  });
});
