import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { session as sessionTable } from "../../src/db/schema/auth";
import { createTestApp, type TestApp } from "../helpers/app";
import { STRONG_PASSWORD, freshIp, json, newSession, postJson, signIn, signUp, uniqueEmail } from "../helpers/auth";

/** A route that needs a signed-in user and touches nothing else: the probe for "is this session alive". */
const probe = (t: TestApp, headers: Record<string, string>) => t.app.request("/v1/api-keys", { headers });

describe("sessions", () => {
  let t: TestApp;
  beforeAll(async () => {
    // better-auth's real scrypt hashing here; other suites use the fast test hasher.
    t = await createTestApp({}, {}, { realPasswordHashing: true });
  });
  afterAll(() => t.cleanup());

  it("sign-up returns a session usable as bearer token and as cookie", async () => {
    const u = await signUp(t);
    expect((await probe(t, u.headers)).status).toBe(200);
    expect((await probe(t, { cookie: u.cookie })).status).toBe(200);
    const me = await json<{ user: { role: string } }>(
      await t.app.request("/api/auth/get-session", { headers: u.headers }),
    );
    expect(me.user.role).toBe("buyer");
  });

  it("sign-in with a wrong password is a 401 with the common body", async () => {
    const u = await signUp(t);
    const res = await signIn(t, u.email, "Wrong-Password-1");
    expect(res.status).toBe(401);
    const body = await json<{ error: { code: string; requestId: string } }>(res);
    expect(body.error.code).toBe("invalid_email_or_password");
    expect(body.error.requestId).toBeTruthy();
  });

  it("sign-out deletes the session", async () => {
    const u = await signUp(t);
    const out = await t.app.request("/api/auth/sign-out", { method: "POST", headers: u.headers });
    expect(out.status).toBe(200);
    const res = await probe(t, u.headers);
    expect(res.status).toBe(401);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe("invalid_session");
  });

  it("sessions expire (expiresIn) and are refused after expiry", async () => {
    const u = await signUp(t);
    await t.db.update(sessionTable).set({ expiresAt: new Date(Date.now() - 1000) });
    expect((await probe(t, u.headers)).status).toBe(401);
  });

  it("sliding refresh: a session used after updateAge gets a later expiry", async () => {
    const u = await signUp(t);
    const row = await t.db.select().from(sessionTable).where(eq(sessionTable.userId, u.userId)).get();
    // Pretend it was issued long ago: expiry near, last refresh older than updateAge.
    const soon = new Date(Date.now() + 3600_000);
    await t.db
      .update(sessionTable)
      .set({ expiresAt: soon, updatedAt: new Date(Date.now() - 6 * 86_400_000) })
      .where(eq(sessionTable.id, row!.id));
    expect((await probe(t, u.headers)).status).toBe(200);
    const after = await t.db.select().from(sessionTable).where(eq(sessionTable.id, row!.id)).get();
    expect(after!.expiresAt.getTime()).toBeGreaterThan(soon.getTime() + 86_400_000);
  });

  it("idle timeout: a session unused for longer than the limit is rejected and deleted", async () => {
    const u = await signUp(t);
    const idleMs = (t.deps.config.SESSION_IDLE_TIMEOUT_MINUTES + 1) * 60_000;
    await t.db
      .update(sessionTable)
      .set({ lastActiveAt: new Date(Date.now() - idleMs) })
      .where(eq(sessionTable.userId, u.userId));
    const res = await probe(t, u.headers);
    expect(res.status).toBe(401);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe("session_idle");
    expect(await t.db.select().from(sessionTable).where(eq(sessionTable.userId, u.userId)).all()).toHaveLength(0);
  });

  it("idle timeout also applies to better-auth's own routes", async () => {
    const u = await signUp(t);
    const idleMs = (t.deps.config.SESSION_IDLE_TIMEOUT_MINUTES + 1) * 60_000;
    await t.db
      .update(sessionTable)
      .set({ lastActiveAt: new Date(Date.now() - idleMs) })
      .where(eq(sessionTable.userId, u.userId));
    const res = await t.app.request("/api/auth/get-session", { headers: u.headers });
    expect(await res.json()).toBeNull();
  });

  it("activity within the limit keeps the session and moves lastActiveAt", async () => {
    const u = await signUp(t);
    const almost = new Date(Date.now() - (t.deps.config.SESSION_IDLE_TIMEOUT_MINUTES - 1) * 60_000);
    await t.db.update(sessionTable).set({ lastActiveAt: almost }).where(eq(sessionTable.userId, u.userId));
    expect((await probe(t, u.headers)).status).toBe(200);
    const row = await t.db.select().from(sessionTable).where(eq(sessionTable.userId, u.userId)).get();
    expect(row!.lastActiveAt!.getTime()).toBeGreaterThan(almost.getTime() + 60_000);
  });

  it("revoke one session, the others, or all", async () => {
    const a = await signUp(t);
    const b = await newSession(t, a);
    const c = await newSession(t, a);
    const d = await newSession(t, a);
    // revoke-session: c revoked by a
    const rowC = await t.db
      .select()
      .from(sessionTable)
      .where(eq(sessionTable.token, c.token.split(".")[0]))
      .get();
    expect((await postJson(t, "/api/auth/revoke-session", { token: rowC!.token }, a.headers)).status).toBe(200);
    expect((await probe(t, c.headers)).status).toBe(401);
    expect((await probe(t, b.headers)).status).toBe(200);
    // revoke-other-sessions: keeps a, kills b and d
    expect((await postJson(t, "/api/auth/revoke-other-sessions", {}, a.headers)).status).toBe(200);
    expect((await probe(t, b.headers)).status).toBe(401);
    expect((await probe(t, d.headers)).status).toBe(401);
    expect((await probe(t, a.headers)).status).toBe(200);
    // revoke-sessions: everything, the caller included
    const e = await newSession(t, a);
    expect((await postJson(t, "/api/auth/revoke-sessions", {}, a.headers)).status).toBe(200);
    expect((await probe(t, a.headers)).status).toBe(401);
    expect((await probe(t, e.headers)).status).toBe(401);
  });

  it("changing the password revokes every other session, even when the client asks not to", async () => {
    const a = await signUp(t);
    const other = await newSession(t, a);
    const res = await postJson(
      t,
      "/api/auth/change-password",
      { currentPassword: a.password, newPassword: "Another-Strong-77", revokeOtherSessions: false },
      a.headers,
    );
    expect(res.status).toBe(200);
    expect((await probe(t, other.headers)).status).toBe(401);
    expect((await signIn(t, a.email, "Another-Strong-77")).status).toBe(200);
  });
});

describe("password rules", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.cleanup());

  const cases: [string, (email: string) => string][] = [
    ["too short", () => "Ab1-short"],
    ["one class only", () => "abcdefghijklmnop"],
    ["digits only", () => "12345678901234"],
    ["the email itself", (email) => email],
    ["the email's local part", (email) => `${email.split("@")[0]}1`],
  ];
  for (const [name, pw] of cases) {
    it(`sign-up refuses a password that is ${name} (400 weak_password)`, async () => {
      const email = uniqueEmail("weakling");
      const res = await postJson(t, "/api/auth/sign-up/email", { email, password: pw(email), name: "w" });
      expect(res.status).toBe(400);
      expect((await json<{ error: { code: string } }>(res)).error.code).toBe("weak_password");
    });
  }

  it("change-password refuses a weak new password", async () => {
    const a = await signUp(t);
    const res = await postJson(
      t,
      "/api/auth/change-password",
      { currentPassword: a.password, newPassword: "aaaaaaaaaaaa" },
      a.headers,
    );
    expect(res.status).toBe(400);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe("weak_password");
  });

  it("accepts a strong password", async () => {
    const res = await postJson(t, "/api/auth/sign-up/email", {
      email: uniqueEmail(),
      password: STRONG_PASSWORD,
      name: "ok",
    });
    expect(res.status).toBe(200);
  });
});

describe("auth rate limits (enabled in tests too)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { AUTH_RATE_LIMIT_MAX: "3" });
  });
  afterAll(() => t.cleanup());

  it("too many sign-in attempts from one IP are a 429 with Retry-After and the common body", async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await signIn(t, "nobody@example.test", "Wrong-Password-1", { "x-forwarded-for": ip })).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses[3]).toBe(429);
    const res = await signIn(t, "nobody@example.test", "Wrong-Password-1", { "x-forwarded-for": ip });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe("rate_limited");
    // Another IP is unaffected.
    expect((await signIn(t, "nobody@example.test", "Wrong-Password-1")).status).toBe(401);
  });
});
