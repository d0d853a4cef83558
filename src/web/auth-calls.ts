import type { Context } from "hono";
import { clientIp, withResolvedIp } from "../auth/client-ip";
import { resolveAuthUrl } from "../auth/secret";
import type { AppEnv } from "../context";

export type AuthCallResult =
  | { ok: true; status: number; body: unknown; setCookies: string[] }
  | { ok: false; status: number; message: string; code: string };

/**
 * Calls one of better-auth's endpoints in-process (its handler, not the network), as the storefront's forms
 * need them: sign-up, sign-in, sign-out, password reset. Going through the handler rather than auth.api keeps
 * better-auth's per-IP rate limits on these forms (keyed like /api/auth: src/auth/client-ip.ts).
 *
 * The page's form post already passed our same-origin CSRF check (hono/csrf), so the inner request carries
 * better-auth's own base URL as Origin: the storefront may be served under another host name (a Workers
 * route, a loopback port in tests) than BETTER_AUTH_URL, and better-auth would refuse that as cross-site.
 */
export async function callAuth(c: Context<AppEnv>, path: string, body: unknown): Promise<AuthCallResult> {
  const { auth, config } = c.var.deps;
  const base = resolveAuthUrl(config);
  const headers = new Headers({ "content-type": "application/json", origin: new URL(base).origin });
  const cookie = c.req.header("cookie");
  if (cookie) headers.set("cookie", cookie);
  const ua = c.req.header("user-agent");
  if (ua) headers.set("user-agent", ua);
  const inner = new Request(new URL(`/api/auth${path}`, base), { method: "POST", headers, body: JSON.stringify(body) });
  const res = await auth.handler(withResolvedIp(inner, clientIp(c.req.raw, c.env, config)));
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  if (res.status >= 400) {
    const o = (parsed && typeof parsed === "object" ? parsed : {}) as { message?: unknown; code?: unknown };
    return {
      ok: false,
      status: res.status,
      message: typeof o.message === "string" && o.message ? o.message : res.statusText || "request failed",
      code: typeof o.code === "string" ? o.code.toLowerCase() : "error",
    };
  }
  return { ok: true, status: res.status, body: parsed, setCookies: res.headers.getSetCookie() };
}

/** Forwards better-auth's session cookies (set or cleared) onto the page's response. */
export function forwardCookies(c: Context<AppEnv>, cookies: string[]): void {
  for (const cookie of cookies) c.header("Set-Cookie", cookie, { append: true });
}
