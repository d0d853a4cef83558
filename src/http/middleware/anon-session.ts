import { getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context";

export const ANON_COOKIE = "rc_sid";
export const ANON_HEADER = "x-session-id";
const valid = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * Anonymous session id for the event log: the `x-session-id` header (apps) or the `rc_sid` cookie
 * (browsers), created when absent. Not an authentication credential: it only groups interactions.
 */
export const anonSession = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const fromHeader = c.req.header(ANON_HEADER);
    const fromCookie = getCookie(c, ANON_COOKIE);
    let id = [fromHeader, fromCookie].find((v): v is string => typeof v === "string" && valid.test(v));
    if (!id) {
      id = crypto.randomUUID().replace(/-/g, "");
      setCookie(c, ANON_COOKIE, id, {
        path: "/",
        httpOnly: true,
        sameSite: "Lax",
        secure: c.var.deps.config.NODE_ENV === "production",
        maxAge: 365 * 24 * 3600,
      });
    }
    c.set("anonId", id);
    await next();
  });
