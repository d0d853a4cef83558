import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { API_KEY_HEADER } from "../../auth/auth";
import { enforceIdleTimeout, presentsSession } from "../../auth/idle";
import { isRoleName, permissionsToScopes } from "../../auth/permissions";
import type { Principal } from "../../auth/principal";
import type { AppEnv } from "../../context";
import { apikey, user as userTable } from "../../db/schema/auth";
import { RateLimitedError, UnauthenticatedError } from "../../domain/errors";

interface VerifiedKey {
  id: string;
  referenceId: string;
  permissions: Record<string, string[]> | null;
  rateLimitEnabled: boolean;
  rateLimitMax: number | null;
  rateLimitTimeWindow: number | null;
  requestCount: number;
}

/** IETF draft RateLimit headers (draft-ietf-httpapi-ratelimit-headers): policy quota/window, remaining/reset. */
function setRateLimitHeaders(c: Context<AppEnv>, max: number, windowMs: number, remaining: number, resetMs: number) {
  const w = Math.max(1, Math.ceil(windowMs / 1000));
  c.header("RateLimit-Policy", `"api-key";q=${max};w=${w}`);
  c.header("RateLimit", `"api-key";r=${Math.max(0, remaining)};t=${Math.max(0, Math.ceil(resetMs / 1000))}`);
}

/** better-auth's key hash (SHA-256, base64url without padding): finds a key's row without the raw key stored. */
async function hashKey(raw: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(raw)));
  let bin = "";
  for (const b of digest) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function resolveApiKey(c: Context<AppEnv>, rawKey: string): Promise<Principal> {
  const { auth, db } = c.var.deps;
  const result = await auth.api.verifyApiKey({ body: { key: rawKey } });
  if (!result.valid || !result.key) {
    const err = (result.error ?? {}) as { code?: string; message?: string; details?: { tryAgainIn?: number } };
    if (err.code === "RATE_LIMITED") {
      const retryMs = err.details?.tryAgainIn ?? 1000;
      c.header("Retry-After", String(Math.max(1, Math.ceil(retryMs / 1000))));
      // The refusal carries no key details: read the key's policy so the 429 has the same headers as a 200.
      const row = await db
        .select({ max: apikey.rateLimitMax, windowMs: apikey.rateLimitTimeWindow })
        .from(apikey)
        .where(eq(apikey.key, await hashKey(rawKey)))
        .get();
      if (row?.max != null && row.windowMs != null) setRateLimitHeaders(c, row.max, row.windowMs, 0, retryMs);
      throw new RateLimitedError("rate_limited", "API key rate limit exceeded");
    }
    if (err.code === "USAGE_EXCEEDED") throw new RateLimitedError("rate_limited", "API key usage limit reached");
    throw new UnauthenticatedError("invalid_api_key", "API key is invalid, revoked or expired");
  }
  const key = result.key as unknown as VerifiedKey;
  // The key acts for its owner: a banned or deleted owner disables every key they hold.
  const owner = await db
    .select({ banned: userTable.banned, banExpires: userTable.banExpires })
    .from(userTable)
    .where(eq(userTable.id, key.referenceId))
    .get();
  const banned = owner?.banned === true && (owner.banExpires === null || owner.banExpires.getTime() > Date.now());
  if (!owner || banned) throw new UnauthenticatedError("invalid_api_key", "API key is invalid, revoked or expired");
  if (key.rateLimitEnabled && key.rateLimitMax !== null && key.rateLimitTimeWindow !== null) {
    setRateLimitHeaders(
      c,
      key.rateLimitMax,
      key.rateLimitTimeWindow,
      key.rateLimitMax - key.requestCount,
      key.rateLimitTimeWindow,
    );
  }
  return { type: "api_key", keyId: key.id, userId: key.referenceId, scopes: permissionsToScopes(key.permissions) };
}

async function resolveSession(c: Context<AppEnv>): Promise<Principal> {
  const { auth, db, config } = c.var.deps;
  const headers = c.req.raw.headers;
  if (!presentsSession(headers)) return { type: "anonymous" };
  const { headers: setHeaders, response } = await auth.api.getSession({ headers, returnHeaders: true });
  if (!response) return { type: "anonymous", failure: "invalid_session" };
  const s = response.session as typeof response.session & { lastActiveAt?: Date | null };
  if ((await enforceIdleTimeout(db, config, s)) === "idle") return { type: "anonymous", failure: "session_idle" };
  // Sliding refresh: forward the refreshed cookie better-auth issued, if any.
  for (const cookie of setHeaders.getSetCookie()) c.header("Set-Cookie", cookie, { append: true });
  const u = response.user as typeof response.user & { role?: string | null; banned?: boolean | null };
  if (u.banned) return { type: "anonymous", failure: "invalid_session" };
  return { type: "user", userId: u.id, email: u.email, role: isRoleName(u.role) ? u.role : "buyer", sessionId: s.id };
}

/**
 * Resolves the caller into `c.var.principal`: an `x-api-key` header wins (a key is an explicit claim and
 * is rejected with 401/429 when bad), else a session cookie or bearer token, else anonymous. Presented
 * but invalid session credentials leave the caller anonymous with a reason, so public routes still work
 * and protected ones answer 401 with that reason.
 */
export const principal = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const rawKey = c.req.header(API_KEY_HEADER);
    c.set("principal", rawKey !== undefined ? await resolveApiKey(c, rawKey) : await resolveSession(c));
    await next();
    // A signed-in answer (a new API key, an order, a cart) must never be stored by a browser or shared cache.
    // A route that marked its answer `public` (the same bytes for everyone, e.g. a public listing's photo) keeps it.
    const isPublic = /\bpublic\b/.test(c.res.headers.get("cache-control") ?? "");
    if (c.var.principal.type !== "anonymous" && !isPublic) c.header("Cache-Control", "no-store");
  });
