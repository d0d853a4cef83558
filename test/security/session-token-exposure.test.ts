import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestApp, createTestApp } from "../helpers/app";
import { type TestUser, newSession, signUp } from "../helpers/auth";

let t: TestApp;
let u: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  u = await signUp(t);
  await newSession(t, u);
});
afterAll(() => t.cleanup());

const get = (path: string, headers: Record<string, string>) => t.app.request(path, { headers });

describe("session tokens are not readable by page scripts", () => {
  it("get-session and list-sessions hide tokens from cookie-authenticated callers", async () => {
    const one = await get("/api/auth/get-session", { cookie: u.cookie });
    expect(one.status).toBe(200);
    const body = (await one.json()) as { session: Record<string, unknown>; user: { id: string } };
    expect(body.user.id).toBe(u.userId);
    expect(body.session.id).toBeTruthy();
    expect(body.session).not.toHaveProperty("token");
    const list = await get("/api/auth/list-sessions", { cookie: u.cookie });
    expect(list.status).toBe(200);
    const text = await list.text();
    const sessions = JSON.parse(text) as Record<string, unknown>[];
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    for (const s of sessions) expect(s).not.toHaveProperty("token");
    // The bearer token is `<session token>.<signature>`: not even its session part appears.
    expect(text).not.toContain(u.token.split(".")[0]);
  });

  it("bearer callers keep the documented shape (tokens included)", async () => {
    const one = (await (await get("/api/auth/get-session", u.headers)).json()) as { session: { token: string } };
    expect(one.session.token).toBe(u.token.split(".")[0]);
    const list = (await (await get("/api/auth/list-sessions", u.headers)).json()) as { token: string }[];
    expect(list.map((s) => s.token)).toContain(u.token.split(".")[0]);
  });
});
