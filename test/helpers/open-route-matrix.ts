import { beforeAll, describe, expect, it } from "vitest";
import type { ApiScope } from "../../src/auth/permissions";
import type { TestApp } from "./app";
import { createKey, createUser, json, newSession, type TestUser } from "./auth";

/**
 * The security matrix of the routes anonymous visitors may call (feed, recommendations, events): the
 * owned-resource matrix (security-matrix.ts) starts from "no credentials: 401", which is wrong here.
 * What must hold instead: an anonymous browser session is served; a stale or forged session token browses
 * as an anonymous visitor (as a signed-out browser would) and never acts as the user it named; an API key
 * that presents itself is always checked (a bad or revoked one is a 401, never anonymous) and needs the
 * route's scope, which nothing else grants.
 */
export interface OpenRouteCase {
  /** e.g. "GET /v1/feed". */
  name: string;
  method: "GET" | "POST";
  path: string;
  /** Body for POST (built per call: event ids must differ between calls). */
  body?: () => unknown;
  /** Status a valid call gets (anonymous with a session id, signed-in user, key with the scope). */
  okStatus: number;
  /** The scope an API key needs. */
  scope: ApiScope;
  /** The user id the served call acted for (null: anonymous), where the route leaves a trace to read. */
  actedAs?: (t: TestApp, res: Response) => Promise<string | null>;
}

const code = async (res: Response): Promise<string | undefined> =>
  (await json<{ error?: { code?: string } }>(res)).error?.code;

export function runOpenRouteMatrix(title: string, getApp: () => TestApp, cases: OpenRouteCase[]): void {
  describe(`security matrix (open route): ${title}`, () => {
    for (const sc of cases) {
      describe(sc.name, () => {
        let t: TestApp;
        let user: TestUser;
        beforeAll(async () => {
          t = getApp();
          user = await createUser(t, "buyer");
        });
        const send = (headers: Record<string, string>): Promise<Response> | Response =>
          t.app.request(sc.path, {
            method: sc.method,
            headers: sc.body ? { ...headers, "content-type": "application/json" } : headers,
            body: sc.body ? JSON.stringify(sc.body()) : undefined,
          });

        it("anonymous browser session: served", async () => {
          const res = await send({ "x-session-id": "anon-matrix-0001" });
          expect(res.status, await res.clone().text()).toBe(sc.okStatus);
        });

        it("signed-in user: served", async () => {
          const res = await send(user.headers);
          expect(res.status, await res.clone().text()).toBe(sc.okStatus);
        });

        it("garbage bearer token: served as an anonymous visitor", async () => {
          const res = await send({ authorization: "Bearer not-a-token", "x-session-id": "anon-matrix-0002" });
          expect(res.status, await res.clone().text()).toBe(sc.okStatus);
          if (sc.actedAs) expect(await sc.actedAs(t, res)).toBeNull();
        });

        it("revoked session (signed out): served as an anonymous visitor, never as the user", async () => {
          const s = await newSession(t, user);
          expect((await t.app.request("/api/auth/sign-out", { method: "POST", headers: s.headers })).status).toBe(200);
          const res = await send({ ...s.headers, "x-session-id": "anon-matrix-0003" });
          expect(res.status, await res.clone().text()).toBe(sc.okStatus);
          if (sc.actedAs) expect(await sc.actedAs(t, res)).toBeNull();
        });

        it("unknown API key: 401 invalid_api_key", async () => {
          const res = await send({
            "x-api-key": "rc_live_0000000000000000000000000000",
            "x-session-id": "anon-matrix-0004",
          });
          expect(res.status).toBe(401);
          expect(await code(res)).toBe("invalid_api_key");
        });

        it("revoked API key: 401 invalid_api_key", async () => {
          // API keys act for an application: they name its end user (docs/auth.md).
          const key = await createKey(t, user, [sc.scope]);
          expect((await send({ ...key.headers, "x-end-user-id": "matrix-end-user" })).status).toBe(sc.okStatus);
          expect(
            (await t.app.request(`/v1/api-keys/${key.id}`, { method: "DELETE", headers: user.headers })).status,
          ).toBe(200);
          const res = await send(key.headers);
          expect(res.status).toBe(401);
          expect(await code(res)).toBe("invalid_api_key");
        });

        it(`API key without ${sc.scope}: 403 insufficient_scope, whatever other scopes it has`, async () => {
          const all: ApiScope[] = ["catalog:read", "listings:read", "recommendations:read", "events:write"];
          const key = await createKey(
            t,
            user,
            all.filter((s) => s !== sc.scope),
          );
          const res = await send(key.headers);
          expect(res.status).toBe(403);
          expect(await code(res)).toBe("insufficient_scope");
        });
      });
    }
  });
}
