import { beforeAll, describe, expect, it } from "vitest";
import type { ApiScope, RoleName } from "../../src/auth/permissions";
import type { TestApp } from "./app";
import { createKey, createUser, json, newSession, type TestUser } from "./auth";

export interface MatrixRequest {
  method: string;
  path: string;
  body?: unknown;
}

export interface MatrixContext {
  t: TestApp;
  /** Owns the resource under test (has the role the route needs). */
  owner: TestUser;
  /** Same role as the owner, owns nothing of theirs. */
  intruder: TestUser;
}

export interface SecurityCase {
  /** e.g. "GET /v1/cart". */
  name: string;
  /** Role the owner needs for the route. */
  role: RoleName;
  /** Builds the owner's resource (if any) and returns the request acting on it. Called once per check. */
  request: (ctx: MatrixContext) => Promise<MatrixRequest>;
  /** Status the owner gets: proves the request is valid, so every refusal below is about credentials. */
  ownerStatus: number;
  /** The intruder sending `request` (aimed at the owner's resource) must get 404. Omit for routes without a foreign form. */
  foreign?: boolean;
  /** A role that must get 403. */
  wrongRole?: RoleName;
  /** Scopes a key would need; keys with none of the route's scopes get 403. Owned resources need a session: []. */
  keyScopes?: ApiScope[];
}

const send = (t: TestApp, r: MatrixRequest, headers: Record<string, string>) =>
  t.app.request(r.path, {
    method: r.method,
    headers: r.body === undefined ? headers : { ...headers, "content-type": "application/json" },
    body: r.body === undefined ? undefined : JSON.stringify(r.body),
  });

const code = async (res: Response) => (await json<{ error?: { code?: string } }>(res)).error?.code;

/**
 * The one security matrix every owned resource runs (design: same checks for every route):
 * no credentials 401, owner OK, another user's resource 404, wrong role 403, revoked session 401,
 * revoked API key 401, API key without the needed scope 403. Every refusal also carries the common body.
 */
export function runSecurityMatrix(title: string, getApp: () => TestApp, cases: SecurityCase[]): void {
  describe(`security matrix: ${title}`, () => {
    for (const sc of cases) {
      describe(sc.name, () => {
        // Users are made once per case (each check builds its own resource through `request`).
        let shared: MatrixContext;
        beforeAll(async () => {
          const t = getApp();
          const [owner, intruder] = await Promise.all([createUser(t, sc.role), createUser(t, sc.role)]);
          shared = { t, owner, intruder };
        });
        const ctx = async (): Promise<MatrixContext> => shared;

        it("owner succeeds (the request itself is valid)", async () => {
          const c = await ctx();
          const res = await send(c.t, await sc.request(c), c.owner.headers);
          expect(res.status, await res.clone().text()).toBe(sc.ownerStatus);
        });

        it("no credentials: 401", async () => {
          const c = await ctx();
          const res = await send(c.t, await sc.request(c), {});
          expect(res.status).toBe(401);
          expect(await code(res)).toBe("unauthorized");
        });

        it("garbage bearer token: 401 invalid_session", async () => {
          const c = await ctx();
          const res = await send(c.t, await sc.request(c), { authorization: "Bearer not-a-token" });
          expect(res.status).toBe(401);
          expect(await code(res)).toBe("invalid_session");
        });

        if (sc.foreign) {
          it("another user's resource: 404", async () => {
            const c = await ctx();
            const res = await send(c.t, await sc.request(c), c.intruder.headers);
            expect(res.status).toBe(404);
            expect(await code(res)).toBe("not_found");
          });
        }

        if (sc.wrongRole) {
          const wrongRole = sc.wrongRole;
          it(`wrong role (${wrongRole}): 403`, async () => {
            const c = await ctx();
            const other = await createUser(c.t, wrongRole);
            const res = await send(c.t, await sc.request(c), other.headers);
            expect(res.status).toBe(403);
            expect(await code(res)).toBe("forbidden");
          });
        }

        it("revoked session (signed out): 401", async () => {
          const c = await ctx();
          const s = await newSession(c.t, c.owner);
          const req = await sc.request(c);
          expect((await c.t.app.request("/api/auth/sign-out", { method: "POST", headers: s.headers })).status).toBe(
            200,
          );
          const res = await send(c.t, req, s.headers);
          expect(res.status).toBe(401);
        });

        it("revoked API key: 401", async () => {
          const c = await ctx();
          const key = await createKey(c.t, c.owner, sc.keyScopes?.length ? sc.keyScopes : ["catalog:read"]);
          expect(
            (await c.t.app.request(`/v1/api-keys/${key.id}`, { method: "DELETE", headers: c.owner.headers })).status,
          ).toBe(200);
          const res = await send(c.t, await sc.request(c), key.headers);
          expect(res.status).toBe(401);
          expect(await code(res)).toBe("invalid_api_key");
        });

        it("API key without the needed scope: 403", async () => {
          const c = await ctx();
          const all: ApiScope[] = ["catalog:read", "listings:read", "recommendations:read", "events:write"];
          const others = all.filter((s) => !(sc.keyScopes ?? []).includes(s));
          const key = await createKey(c.t, c.owner, others.length ? others.slice(0, 1) : ["events:write"]);
          const res = await send(c.t, await sc.request(c), key.headers);
          expect(res.status).toBe(403);
          expect(["insufficient_scope", "session_required"]).toContain(await code(res));
        });
      });
    }
  });
}
