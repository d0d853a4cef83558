import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { actingUserId } from "../auth/principal";
import type { AppEnv } from "../context";
import { SESSION_ID } from "../recsys/events/ingest";
import type { Caller } from "../recsys/feed/feed-service";
import { ANON_COOKIE, ANON_HEADER } from "./middleware/anon-session";

/** A session id the client actually sent (header or cookie), not one minted for this response. */
export function presentedSession(c: Context<AppEnv>): string | null {
  const v = [c.req.header(ANON_HEADER), getCookie(c, ANON_COOKIE)].find(
    (x): x is string => typeof x === "string" && SESSION_ID.test(x),
  );
  return v ?? null;
}

/** Who the recommendations are for: the acting user and the session (query param, else header/cookie, else minted). */
export function callerOf(c: Context<AppEnv>, sessionParam?: string): Caller {
  return {
    userId: actingUserId(c.var.principal),
    sessionId: sessionParam ?? presentedSession(c) ?? c.var.anonId ?? null,
  };
}
