import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app";
import { json } from "../../helpers/auth";
import { recsysApp, sid, type FeedBody } from "../../recsys/fixtures";

interface ErrorBody {
  error: { code: string; message: string; requestId: string };
}

let t: TestApp;
beforeAll(async () => {
  t = await recsysApp();
});
afterAll(() => t.cleanup());

const get = (path: string, session = sid(700)): Promise<Response> | Response =>
  t.app.request(path, { headers: { "x-session-id": session } });
const b64url = (v: unknown): string =>
  btoa(JSON.stringify(v)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status, await res.clone().text()).toBe(status);
  const body = await json<ErrorBody>(res);
  expect(body.error.code).toBe(code);
  expect(body.error.requestId).toBeTruthy();
}

describe("GET /v1/feed: bad input is a 4xx with a machine code, never a 500", () => {
  it("limit outside 1..50 or not a number", async () => {
    for (const limit of ["0", "51", "-3", "2.5", "abc", ""])
      await expectError(await get(`/v1/feed?limit=${limit}`), 400, "invalid_request");
  });

  it("a malformed session_id", async () => {
    for (const s of ["short", "has space here", "x".repeat(65), "semi;colon-123"])
      await expectError(await get(`/v1/feed?session_id=${encodeURIComponent(s)}`), 400, "invalid_request");
  });

  it("cursors that are not ours: garbage, valid base64 of the wrong shape, an offset out of range, too long", async () => {
    const cursors = [
      "%%%",
      "bm90IGpzb24",
      b64url({ s: "x" }),
      b64url({ s: "snap", o: -1 }),
      b64url({ s: "snap", o: 10_001 }),
      b64url([1, 2]),
      "A".repeat(301),
    ];
    for (const c of cursors) {
      const res = await get(`/v1/feed?cursor=${encodeURIComponent(c)}`);
      expect(res.status, c).toBe(400);
      // Too long fails the query schema (invalid_request); every other one fails decoding (invalid_cursor).
      expect((await json<ErrorBody>(res)).error.code, c).toBe(c.length > 300 ? "invalid_request" : "invalid_cursor");
    }
  });

  it("a well-formed cursor of an unknown or expired snapshot: 400 invalid_cursor telling the client to start over", async () => {
    await expectError(await get(`/v1/feed?cursor=${b64url({ s: "no-such-snapshot", o: 5 })}`), 400, "invalid_cursor");
    const first = await json<FeedBody>(await get("/v1/feed?limit=3"));
    expect(await t.deps.sessions.del(`feed:${first.snapshotId}`)).toBe(true); // what TTL expiry does
    const res = await get(`/v1/feed?cursor=${first.nextCursor}`);
    await expectError(res.clone(), 400, "invalid_cursor");
    expect((await json<ErrorBody>(res)).error.message).toMatch(/again without a cursor/);
  });

  it("a snapshot stored corrupt is refused, not served half-read", async () => {
    const first = await json<FeedBody>(await get("/v1/feed?limit=3"));
    await t.deps.sessions.set(
      `feed:${first.snapshotId}`,
      JSON.stringify({ owner: `s:${sid(700)}`, p: ["a"], s: [] }),
      60,
    );
    await expectError(await get(`/v1/feed?cursor=${first.nextCursor}`), 400, "invalid_cursor");
  });
});

describe("GET /v1/feed before the models are loaded", () => {
  let cold: TestApp;
  beforeAll(async () => {
    cold = await createTestApp();
  });
  afterAll(() => cold.cleanup());

  it("503 service_unavailable with Retry-After, for the feed and both recommendation routes", async () => {
    for (const path of ["/v1/feed", "/v1/recommendations/session", "/v1/products/ANY-1/recommendations"]) {
      const res = await cold.app.request(path, { headers: { "x-session-id": sid(701) } });
      expect(res.status, path).toBe(503);
      expect(res.headers.get("retry-after"), path).toBeTruthy();
      expect((await json<ErrorBody>(res)).error.code, path).toBe("service_unavailable");
    }
  });
});
