import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../../helpers/app";
import { createKey, createUser, json } from "../../helpers/auth";
import { runOpenRouteMatrix } from "../../helpers/open-route-matrix";
import { pid, postEvents, recsysApp, views, type FeedBody } from "../../recsys/fixtures";

let t: TestApp;
beforeAll(async () => {
  t = await recsysApp();
});
afterAll(() => t.cleanup());

runOpenRouteMatrix("feed", () => t, [
  { name: "GET /v1/feed", method: "GET", path: "/v1/feed?limit=5", okStatus: 200, scope: "recommendations:read" },
]);

const feed = async (headers: Record<string, string>, query = ""): Promise<FeedBody> => {
  const res = await t.app.request(`/v1/feed${query}`, { headers });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<FeedBody>(res);
};

describe("GET /v1/feed: whose data a feed may use", () => {
  it("a signed-in user's history personalises their feed only, never another user's", async () => {
    const [alice, bob] = await Promise.all([createUser(t), createUser(t)]);
    // Alice's events carry no session id of Bob's: they reach her own cross-device stream only.
    expect(
      (
        await postEvents(
          t,
          { ...alice.headers, "x-session-id": "alice-device-1" },
          views([pid(2, 1), pid(2, 2), pid(2, 3)], "al"),
        )
      ).status,
    ).toBe(200);
    const a = await feed({ ...alice.headers, "x-session-id": "alice-device-2" }); // another device: the user stream still applies
    expect(a.items.some((i) => i.sources.some((s) => s !== "trending" && s !== "fresh"))).toBe(true);
    const b = await feed({ ...bob.headers, "x-session-id": "bob-device-1" });
    expect(b.items.every((i) => i.sources.every((s) => s === "trending" || s === "fresh"))).toBe(true);
  });

  it("an API key never serves its owner's personal feed (anonymous feed without an end user)", async () => {
    const owner = await createUser(t);
    await postEvents(t, owner.headers, views([pid(1, 1), pid(1, 2), pid(1, 3)], "ow"));
    expect(
      (await feed(owner.headers)).items.some((i) => i.sources.some((s) => s !== "trending" && s !== "fresh")),
    ).toBe(true);
    const key = await createKey(t, owner, ["recommendations:read"]);
    const viaKey = await feed(key.headers);
    expect(viaKey.items.every((i) => i.sources.every((s) => s === "trending" || s === "fresh"))).toBe(true);
    // A user_id in the query is not a way to pick whose feed it is (the route has no such parameter).
    const other = await createUser(t);
    const res = await t.app.request(`/v1/feed?user_id=${owner.userId}`, { headers: other.headers });
    expect(res.status).toBe(200);
    const otherFeed = await json<FeedBody>(res);
    expect(otherFeed.items.every((i) => i.sources.every((s) => s === "trending" || s === "fresh"))).toBe(true);
  });

  it("a cursor is bound to the caller that made it: another user, an anonymous session or the owner's API key of another user cannot read it", async () => {
    const [alice, bob] = await Promise.all([createUser(t), createUser(t)]);
    const first = await feed(alice.headers, "?limit=3");
    expect(first.nextCursor).toBeTruthy();
    for (const headers of [
      bob.headers,
      { "x-session-id": "anon-reader-01" },
      (await createKey(t, bob, ["recommendations:read"])).headers,
    ]) {
      const res = await t.app.request(`/v1/feed?cursor=${first.nextCursor}`, { headers });
      expect(res.status).toBe(400);
      expect((await json<{ error: { code: string } }>(res)).error.code).toBe("invalid_cursor");
    }
    // The owner still reads it, from any device.
    const again = await feed({ ...alice.headers, "x-session-id": "alice-other-dev" }, `?cursor=${first.nextCursor}`);
    expect(again.snapshotId).toBe(first.snapshotId);
  });
});
