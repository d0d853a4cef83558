import type { Context } from "hono";
import type { AppEnv } from "../context";
import { errorBody, foreignErrorBody } from "../http/errors";
import { clientIp, withResolvedIp } from "../auth/client-ip";
import { enforceIdleTimeout, presentsSession } from "../auth/idle";
import { ownsSessionToken } from "../auth/revoke-session-guard";
import { hidesSessionTokens, withoutSessionTokens } from "../auth/session-token-exposure";

/**
 * better-auth routes we do not expose: API keys are managed through /v1/api-keys (scopes, rotation); users'
 * roles, bans and existence only through /v1/admin (one door for roles: a closed set, no self-demotion or
 * self-ban), so the admin plugin's writing routes are not served over HTTP. Its reads stay.
 */
const hidden = [
  /^\/api\/auth\/api-key(\/|$)/,
  /^\/api\/auth\/admin\/(set-role|create-user|update-user|ban-user|unban-user|remove-user|impersonate-user|stop-impersonating)(\/|$)/,
];
const noSessionNeeded = /^\/api\/auth\/(sign-in|sign-up|ok|error)(\/|$)/;

/**
 * Serves better-auth at /api/auth/*. Around it: the idle timeout (an idle session is deleted before
 * better-auth sees it) and error responses that carry our common `error` object next to better-auth's
 * own `code`/`message` (so both our clients and better-auth's client library understand them).
 */
export async function authHandler(c: Context<AppEnv>): Promise<Response> {
  const { auth, db, config } = c.var.deps;
  const path = c.req.path;
  if (hidden.some((re) => re.test(path)))
    return c.json(errorBody(c, "not_found", `no route for ${c.req.method} ${path}`), 404);

  const headers = c.req.raw.headers;
  if (!noSessionNeeded.test(path) && presentsSession(headers)) {
    const current = await auth.api.getSession({ headers, query: { disableRefresh: true } });
    if (current) {
      await enforceIdleTimeout(db, config, current.session as typeof current.session & { lastActiveAt?: Date | null });
      if (path === "/api/auth/revoke-session" && c.req.method === "POST") {
        const body: unknown = await c.req.raw
          .clone()
          .json()
          .catch(() => null);
        const token = body && typeof body === "object" ? (body as { token?: unknown }).token : undefined;
        if (typeof token === "string" && !(await ownsSessionToken(db, current.user.id, token)))
          return c.json(errorBody(c, "session_not_found", "no session of yours has this token"), 404);
      }
    }
  }

  const res = await auth.handler(withResolvedIp(c.req.raw, clientIp(c.req.raw, c.env, config)));
  if (res.status >= 400) return withCommonErrorBody(c, res);
  if (hidesSessionTokens(path, headers) && (res.headers.get("content-type") ?? "").includes("json")) {
    const body = withoutSessionTokens(await res.json());
    const out = new Headers(res.headers);
    out.delete("content-length");
    return new Response(JSON.stringify(body), { status: res.status, headers: out });
  }
  return res;
}

async function withCommonErrorBody(c: Context<AppEnv>, res: Response): Promise<Response> {
  let native: Record<string, unknown> = {};
  const text = await res.text();
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) native = parsed as Record<string, unknown>;
  } catch {
    native = { message: text };
  }
  const nativeCode = typeof native.code === "string" ? native.code : undefined;
  const message =
    typeof native.message === "string" && native.message ? native.message : res.statusText || "request failed";
  const code = nativeCode
    ? nativeCode.toLowerCase()
    : res.status === 429
      ? "rate_limited"
      : res.status === 401
        ? "unauthorized"
        : res.status === 403
          ? "forbidden"
          : res.status === 404
            ? "not_found"
            : "bad_request";
  const headers = new Headers(res.headers);
  headers.set("content-type", "application/json; charset=UTF-8");
  headers.delete("content-length");
  const retry = headers.get("x-retry-after");
  if (res.status === 429 && retry) headers.set("Retry-After", retry);
  const body = { ...native, ...foreignErrorBody(c, code, message) };
  return new Response(JSON.stringify(body), { status: res.status, headers });
}
