import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../helpers/app";
import { createKey, createUser, json, type TestKey, type TestUser } from "../helpers/auth";
import { type FeedBody, NOW, pid, postEvents, recsysApp, views } from "../recsys/fixtures";

/**
 * Issue 17, finding 7: a partner's events sent with an API key made the key owner's feed say "Because you
 * viewed …" for something the owner never viewed, and a key's /v1/feed was the owner's personal feed. A key
 * acts for an application: its traffic belongs to the end users / sessions it names, in its own namespace.
 */
let t: TestApp;
let owner: TestUser;
let key: TestKey;
beforeAll(async () => {
  t = await recsysApp();
  owner = await createUser(t);
  key = await createKey(t, owner, ["events:write", "recommendations:read"]);
});
afterAll(() => t.cleanup());

const personalised = (f: FeedBody) => f.items.some((i) => i.sources.some((s) => s !== "trending" && s !== "fresh"));
const feedOf = async (headers: Record<string, string>, query = ""): Promise<FeedBody> => {
  const res = await t.app.request(`/v1/feed${query}`, { headers });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<FeedBody>(res);
};
const codeOf = async (res: Response) => (await json<{ error: { code: string } }>(res)).error.code;
/** The owner's interactions (their own feed views log impressions, which are theirs). */
const ownerRows = async (userId: string) =>
  Number(
    (
      await t.db.$client.execute({
        sql: "SELECT count(*) AS n FROM events WHERE user_id = ? AND type != 'impression'",
        args: [userId],
      })
    ).rows[0].n,
  );

describe("API keys act for an application, not as their owner's browsing", () => {
  it("a key's events never land in its owner's history, and the owner's feed stays unpersonalised", async () => {
    const res = await postEvents(
      t,
      { ...key.headers, "x-end-user-id": "partner-user-1" },
      views([pid(0, 1), pid(0, 2), pid(0, 3)], "k"),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await ownerRows(owner.userId)).toBe(0);
    const ownFeed = await feedOf(owner.headers);
    expect(personalised(ownFeed)).toBe(false);
    expect(ownFeed.items.some((i) => /because you viewed/i.test(i.reason))).toBe(false);
  });

  it("a key's event that names no end user and no session is refused (400 end_user_required), nothing stored", async () => {
    const res = await postEvents(t, key.headers, [
      { id: "nobody-1", type: "view", item_id: pid(1, 1), ts: NOW - 1000 },
    ]);
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("end_user_required");
    // In a batch where others name one, that event alone is rejected.
    const mixed = await postEvents(t, key.headers, [
      { id: "nobody-2", type: "view", item_id: pid(1, 1), ts: NOW - 1000 },
      { id: "named-2", type: "view", item_id: pid(1, 2), ts: NOW - 1000, session_id: "partner-sess-01" },
    ]);
    expect(mixed.status).toBe(207);
    const body = await json<{ accepted: string[]; rejected: { id: string; code: string }[] }>(mixed);
    expect(body.accepted).toEqual(["named-2"]);
    expect(body.rejected).toEqual([expect.objectContaining({ id: "nobody-2", code: "session_required" })]);
    expect(await ownerRows(owner.userId)).toBe(0);
  });

  it("a key's feed is the named end user's feed, else the anonymous feed, never the owner's personal feed", async () => {
    await postEvents(t, owner.headers, views([pid(2, 1), pid(2, 2), pid(2, 3)], "own"));
    expect(personalised(await feedOf(owner.headers))).toBe(true);
    expect(personalised(await feedOf(key.headers))).toBe(false);
    const endUser = { ...key.headers, "x-end-user-id": "partner-user-2" };
    expect(personalised(await feedOf(endUser))).toBe(false);
    await postEvents(t, endUser, views([pid(3, 1), pid(3, 2), pid(3, 3)], "eu2"));
    const served = await feedOf(endUser);
    expect(personalised(served)).toBe(true);
    // Seen items are filtered from the end user's feed: the history used was theirs.
    const viewed = new Set([pid(3, 1), pid(3, 2), pid(3, 3)]);
    expect(served.items.some((i) => viewed.has(i.productId))).toBe(false);
  });

  it("session recommendations through a key are the named session's, never the owner's", async () => {
    const res = await t.app.request("/v1/recommendations/session?session_id=partner-sess-09", { headers: key.headers });
    expect(res.status).toBe(200);
    const before = await json<{ items: unknown[] }>(res);
    await postEvents(t, { ...key.headers, "x-session-id": "partner-sess-09" }, views([pid(1, 4), pid(1, 5)], "ps"));
    const after = await t.app.request("/v1/recommendations/session?session_id=partner-sess-09", {
      headers: key.headers,
    });
    expect(after.status).toBe(200);
    expect((await json<{ items: unknown[] }>(after)).items.length).toBeGreaterThanOrEqual(before.items.length);
    expect(await ownerRows(owner.userId)).toBeGreaterThan(0); // the owner's own views (previous test) only
    const stored = await t.db.$client.execute({
      sql: "SELECT DISTINCT anon_id FROM events WHERE client_event_id LIKE '%:ps-%'",
      args: [],
    });
    expect(stored.rows.map((r) => r.anon_id)).toEqual([`key.${owner.userId}.s.partner-sess-09`]);
  });

  it("end users live in the key owner's namespace: another account's key naming the same id sees none of it", async () => {
    const other = await createUser(t);
    const otherKey = await createKey(t, other, ["recommendations:read"]);
    expect(personalised(await feedOf({ ...otherKey.headers, "x-end-user-id": "partner-user-2" }))).toBe(false);
    // A browser cannot name the internal id either: dots are outside the session id alphabet.
    const forged = await feedOf({ "x-session-id": `key.${owner.userId}.u.partner-user-2` });
    expect(personalised(forged)).toBe(false);
  });

  it("a rotated key keeps its end users (the namespace is the owner's application, not the key)", async () => {
    const rotated = await t.app.request(`/v1/api-keys/${key.id}/rotate`, { method: "POST", headers: owner.headers });
    expect(rotated.status).toBe(201);
    const fresh = await json<{ key: string }>(rotated);
    expect(personalised(await feedOf({ "x-api-key": fresh.key, "x-end-user-id": "partner-user-2" }))).toBe(true);
    key = { ...key, key: fresh.key, headers: { "x-api-key": fresh.key } };
  });

  it("only API keys name end users: x-end-user-id from a signed-in user or a visitor is 400, a bad id is 400", async () => {
    for (const headers of [owner.headers, { "x-session-id": "visitor-sess-01" }]) {
      const res = await t.app.request("/v1/feed", { headers: { ...headers, "x-end-user-id": "partner-user-2" } });
      expect(res.status).toBe(400);
      expect(await codeOf(res)).toBe("end_user_requires_api_key");
    }
    const bad = await t.app.request("/v1/feed", { headers: { ...key.headers, "x-end-user-id": "a.b" } });
    expect(bad.status).toBe(400);
    expect(await codeOf(bad)).toBe("invalid_end_user_id");
    const inBody = await postEvents(t, owner.headers, [
      { id: "eu-body", type: "view", item_id: pid(0, 4), ts: NOW - 1000, end_user_id: "someone" },
    ]);
    expect(inBody.status).toBe(207);
    expect((await json<{ rejected: { code: string }[] }>(inBody)).rejected[0].code).toBe("invalid_event");
  });
});
