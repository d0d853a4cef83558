import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { END_USER_HEADER, END_USER_ID, namedKeySubject } from "../auth/api-key-subject";
import { actingUserId } from "../auth/principal";
import type { AppEnv } from "../context";
import { InvalidInputError } from "../domain/errors";
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

/**
 * The `x-end-user-id` header, validated: only API keys name end users (a browser or a signed-in user sending
 * it is told so, not silently served as someone else).
 */
export function presentedEndUser(c: Context<AppEnv>): string | null {
  const v = c.req.header(END_USER_HEADER);
  if (v === undefined) return null;
  if (c.var.principal.type !== "api_key")
    throw new InvalidInputError("end_user_requires_api_key", `${END_USER_HEADER} is only for API key callers`);
  if (!END_USER_ID.test(v))
    throw new InvalidInputError(
      "invalid_end_user_id",
      `${END_USER_HEADER} must be 1-128 characters of A-Z a-z 0-9 _ -`,
    );
  return v;
}

/**
 * The subject an API key request names (end user from `x-end-user-id`, else the session from `session_id` /
 * `x-session-id`), in the key owner's namespace; null when it names none. Never the owner, never a cookie.
 */
export function keySubjectOf(c: Context<AppEnv>, sessionParam?: string): string | null {
  const p = c.var.principal;
  if (p.type !== "api_key") return null;
  const header = c.req.header(ANON_HEADER);
  return namedKeySubject(p.userId, {
    endUserId: presentedEndUser(c),
    sessionId: sessionParam ?? (header !== undefined && SESSION_ID.test(header) ? header : null),
  });
}

/**
 * Who the recommendations are for. Users and anonymous visitors: the acting user and the session (query
 * param, else header/cookie, else minted). API keys: the end user or session the key names, else nobody (the
 * anonymous feed), never the key's owner.
 */
export function callerOf(c: Context<AppEnv>, sessionParam?: string): Caller {
  if (c.var.principal.type === "api_key") return { userId: null, sessionId: keySubjectOf(c, sessionParam) };
  presentedEndUser(c);
  return {
    userId: actingUserId(c.var.principal),
    sessionId: sessionParam ?? presentedSession(c) ?? c.var.anonId ?? null,
  };
}
