import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestApp, createTestApp } from "../helpers/app";
import { type TestUser, newSession, postJson, signUp } from "../helpers/auth";

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  alice = await signUp(t);
  bob = await signUp(t);
});
afterAll(() => t.cleanup());

const sessionToken = (u: TestUser) => u.token.split(".")[0];

describe("revoke-session", () => {
  it("revoke-session with another user's token is 404 session_not_found and leaves it working", async () => {
    const res = await postJson(t, "/api/auth/revoke-session", { token: sessionToken(bob) }, alice.headers);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("session_not_found");
    expect((await t.app.request("/v1/cart", { headers: bob.headers })).status).toBe(200);
  });

  it("revoking one's own other session still works", async () => {
    const second = await newSession(t, alice);
    const res = await postJson(t, "/api/auth/revoke-session", { token: sessionToken(second) }, alice.headers);
    expect(res.status).toBe(200);
    expect((await t.app.request("/v1/cart", { headers: second.headers })).status).toBe(401);
  });
});
