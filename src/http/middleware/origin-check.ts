import { createMiddleware } from "hono/factory";
import { API_KEY_HEADER } from "../../auth/auth";
import { resolveAuthUrl } from "../../auth/secret";
import type { Config } from "../../config";
import type { AppEnv } from "../../context";
import { ForbiddenError } from "../../domain/errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The origins whose pages may make cookie-carrying writes: BETTER_AUTH_URL's origin + AUTH_TRUSTED_ORIGINS. */
export function allowedOrigins(config: Config): Set<string> {
  const origins = new Set([new URL(resolveAuthUrl(config)).origin]);
  // CORS_ORIGINS are granted credentialed CORS (src/http/middleware/cors.ts): their cookie writes are trusted too.
  for (const o of [...config.AUTH_TRUSTED_ORIGINS, ...config.CORS_ORIGINS]) {
    try {
      origins.add(new URL(o).origin);
    } catch {
      // Not a URL: config validation is not this middleware's job; an unparsable entry matches nothing.
    }
  }
  return origins;
}

/**
 * CSRF defence for /v1: a state-changing request that rides on cookies (a session or the anonymous rc_sid)
 * must come from an allowed Origin, else 403 `origin_not_allowed`. Requests with a bearer token or an API key
 * are exempt: a hostile page cannot attach those headers without a CORS preflight we never grant. A request
 * without Origin is not a cross-site browser request (browsers send Origin on every cross-origin write),
 * unless Sec-Fetch-Site says it is.
 */
export const originCheck = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const h = c.req.raw.headers;
    const ridesOnCookies =
      !SAFE_METHODS.has(c.req.method) &&
      h.has("cookie") &&
      !h.has(API_KEY_HEADER) &&
      !/^bearer\s+\S+/i.test(h.get("authorization") ?? "");
    if (ridesOnCookies) {
      const origin = h.get("origin");
      const crossSite = h.get("sec-fetch-site") === "cross-site";
      if (origin ? !allowedOrigins(c.var.deps.config).has(origin) : crossSite)
        throw new ForbiddenError(
          "origin_not_allowed",
          "cookie-authenticated writes must come from an allowed origin (BETTER_AUTH_URL or AUTH_TRUSTED_ORIGINS)",
        );
    }
    await next();
  });
