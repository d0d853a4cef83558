import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { UserPrincipal } from "../auth/principal";
import type { AppEnv } from "../context";
import { anonSession } from "../http/middleware/anon-session";
import { principal } from "../http/middleware/principal";

/**
 * Who is looking at a page. Pages reuse the API's middlewares so there is one session logic: `anonSession`
 * (the rc_sid cookie grouping anonymous interactions) and `principal`, which reads better-auth's session cookie
 * through `auth.api.getSession`, applies the idle timeout, drops banned users and forwards the sliding-refresh
 * cookie. Only a cookie session counts as signed in on a page: an API key is a machine credential.
 */
export const pageSession = () => [anonSession(), principal()] as const;

export type PageUser = Pick<UserPrincipal, "userId" | "email" | "role" | "sessionId">;

/** The signed-in user, or null (anonymous, API key, idle or invalid session). */
export function pageUser(c: Context<AppEnv>): PageUser | null {
  const p = c.var.principal;
  return p?.type === "user" ? p : null;
}

/** Where to go after signing in: only a local path, so `?next=` cannot bounce the user to another site. */
export function safeNext(raw: string | undefined | null, fallback = "/"): string {
  if (!raw?.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return fallback;
  return raw;
}

/** Page guard: signed-in users pass; others are sent to sign in and brought back afterwards. */
export const requirePageUser = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (pageUser(c)) return next();
    const back = c.req.method === "GET" ? c.req.path + new URL(c.req.url).search : c.req.header("referer");
    const next_ = safeNext(back ? new URL(back, c.req.url).pathname + new URL(back, c.req.url).search : null);
    return c.redirect(`/signin?next=${encodeURIComponent(next_)}`, 303);
  });

/** The signed-in user for a handler behind requirePageUser. */
export function mustPageUser(c: Context<AppEnv>): PageUser {
  const u = pageUser(c);
  if (!u) throw new Error("requirePageUser must guard this page");
  return u;
}
