import { afterEach, describe, expect, it } from "vitest";
import { type TestApp, createTestApp } from "../helpers/app";
import { STRONG_PASSWORD, freshIp, signIn, signUp, uniqueEmail } from "../helpers/auth";
import { resolveAuthUrl } from "../../src/auth/secret";
import { serveApp } from "../helpers/serve-app";

/** Real HTTP (a socket peer of 127.0.0.1), as the Node server runs, with the app's own config. */
async function served(env: Record<string, string>) {
  // CLIENT_IP_HEADER "" = the Node default: socket peer, X-Forwarded-For only from TRUSTED_PROXIES.
  const t = await createTestApp({}, { AUTH_RATE_LIMIT_MAX: "3", CLIENT_IP_HEADER: "", ...env });
  const server = await serveApp(t.app.fetch);
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: new URL(resolveAuthUrl(t.deps.config)).origin,
        ...headers,
      },
      body: JSON.stringify(body),
    });
  return { t, post, close: async () => (await server.close(), t.cleanup()) };
}

let cleanup: (() => Promise<void> | void) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe("auth rate limits are keyed on trusted client addresses", () => {
  it("sign-in limit ignores a client-set X-Forwarded-For (socket address keyed)", async () => {
    const s = await served({});
    cleanup = s.close;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (
          await s.post(
            "/api/auth/sign-in/email",
            { email: "nobody@example.test", password: "Wrong-Password-1" },
            { "x-forwarded-for": freshIp() },
          )
        ).status,
      );
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
  });

  it("sign-up limit per IP ignores a client-set X-Forwarded-For", async () => {
    const s = await served({});
    cleanup = s.close;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (
          await s.post(
            "/api/auth/sign-up/email",
            { email: uniqueEmail(), password: STRONG_PASSWORD, name: "x" },
            { "x-forwarded-for": freshIp() },
          )
        ).status,
      );
    expect(statuses[3]).toBe(429);
  });

  it("X-Forwarded-For from a trusted proxy separates the clients behind it (no shared bucket)", async () => {
    const s = await served({ TRUSTED_PROXIES: "127.0.0.1,::1" });
    cleanup = s.close;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (
          await s.post(
            "/api/auth/sign-in/email",
            { email: uniqueEmail(), password: "Wrong-Password-1" },
            { "x-forwarded-for": freshIp() },
          )
        ).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    // A client cannot pick its bucket by prepending entries: the proxy's rightmost hop is what counts.
    const ip = freshIp();
    const spoofed: number[] = [];
    for (let i = 0; i < 4; i++)
      spoofed.push(
        (
          await s.post(
            "/api/auth/sign-in/email",
            { email: uniqueEmail(), password: "Wrong-Password-1" },
            { "x-forwarded-for": `${freshIp()}, ${ip}` },
          )
        ).status,
      );
    expect(spoofed[3]).toBe(429);
  });

  it("a CLIENT_IP_HEADER edge (CF-Connecting-IP on Workers) keys each client separately", async () => {
    const t: TestApp = await createTestApp({}, { AUTH_RATE_LIMIT_MAX: "3", CLIENT_IP_HEADER: "cf-connecting-ip" });
    cleanup = t.cleanup;
    const attempt = (ip: string) =>
      signIn(t, uniqueEmail(), "Wrong-Password-1", { "cf-connecting-ip": ip, "x-forwarded-for": freshIp() });
    const a = freshIp();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt(a)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await attempt(freshIp())).status).toBe(401);
  });

  it("sign-in is limited per account across IPs, other accounts unaffected", async () => {
    const t = await createTestApp({}, { AUTH_ACCOUNT_RATE_LIMIT_MAX: "4" });
    cleanup = t.cleanup;
    const victim = await signUp(t); // its sign-in is the first attempt counted
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await signIn(t, victim.email, "Wrong-Password-1")).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const res = await signIn(t, victim.email.toUpperCase(), victim.password);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    const other = await signUp(t);
    expect((await signIn(t, other.email, other.password)).status).toBe(200);
  });
});
