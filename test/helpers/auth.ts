import { eq } from "drizzle-orm";
import type { RoleName } from "../../src/auth/permissions";
import { user as userTable } from "../../src/db/schema/auth";
import type { TestApp } from "./app";

let ipCounter = 0;
/** A distinct client IP per call, so auth rate limits (per IP) only bite where a test wants them to. */
export const freshIp = () => {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
};

export interface TestUser {
  userId: string;
  email: string;
  password: string;
  role: RoleName;
  /** Session token for `Authorization: Bearer`. */
  token: string;
  /** The browser cookie (name=value) of the same session. */
  cookie: string;
  /** Bearer headers, ready for app.request. */
  headers: Record<string, string>;
}

let userCounter = 0;
export const uniqueEmail = (prefix = "user") =>
  `${prefix}-${++userCounter}-${Math.random().toString(36).slice(2, 8)}@example.test`;
export const STRONG_PASSWORD = "Correct-Horse-42";

export function cookieFrom(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .filter((c) => c.includes("session_token"))
    .join("; ");
}

export async function postJson(
  t: TestApp,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return t.app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": freshIp(), ...headers },
    body: JSON.stringify(body),
  });
}

/** Signs up through better-auth's real endpoint; returns the session as bearer token and cookie. */
export async function signUp(
  t: TestApp,
  opts: { email?: string; password?: string; name?: string } = {},
): Promise<TestUser> {
  const email = opts.email ?? uniqueEmail();
  const password = opts.password ?? STRONG_PASSWORD;
  const up = await postJson(t, "/api/auth/sign-up/email", { email, password, name: opts.name ?? email.split("@")[0] });
  if (up.status !== 200) throw new Error(`sign-up failed: ${up.status} ${await up.text()}`);
  // Sign-up does not sign in (it answers taken addresses the same way): the session comes from sign-in.
  const res = await postJson(t, "/api/auth/sign-in/email", { email, password });
  if (res.status !== 200) throw new Error(`sign-in after sign-up failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { user: { id: string } };
  const token = res.headers.get("set-auth-token");
  if (!token) throw new Error("sign-up returned no set-auth-token header");
  return {
    userId: body.user.id,
    email,
    password,
    role: "buyer",
    token,
    cookie: cookieFrom(res),
    headers: { authorization: `Bearer ${token}` },
  };
}

export async function signIn(
  t: TestApp,
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return postJson(t, "/api/auth/sign-in/email", { email, password }, headers);
}

/** A new session for an existing user (e.g. a second device). */
export async function newSession(t: TestApp, u: TestUser): Promise<TestUser> {
  const res = await signIn(t, u.email, u.password);
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const token = res.headers.get("set-auth-token")!;
  return { ...u, token, cookie: cookieFrom(res), headers: { authorization: `Bearer ${token}` } };
}

/** Test setup shortcut: roles are granted by admins in production; tests write them directly. */
export async function setRole(t: TestApp, userId: string, role: RoleName): Promise<void> {
  await t.db.update(userTable).set({ role }).where(eq(userTable.id, userId));
}

export async function createUser(t: TestApp, role: RoleName = "buyer"): Promise<TestUser> {
  const u = await signUp(t, { email: uniqueEmail(role) });
  if (role !== "buyer") await setRole(t, u.userId, role);
  return { ...u, role };
}

export interface TestKey {
  id: string;
  key: string;
  headers: Record<string, string>;
}

/** Creates an API key through /v1/api-keys (the public contract) for `owner`. */
export async function createKey(
  t: TestApp,
  owner: TestUser,
  scopes: string[],
  extra: Record<string, unknown> = {},
): Promise<TestKey> {
  const res = await postJson(t, "/v1/api-keys", { name: "test key", scopes, ...extra }, owner.headers);
  if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { id: string; key: string };
  return { id: body.id, key: body.key, headers: { "x-api-key": body.key } };
}

export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
