import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context";

/** Request headers a third-party browser app may send (auth, idempotency, the anonymous session id). */
const ALLOW_HEADERS = ["content-type", "authorization", "x-api-key", "idempotency-key", "x-session-id", "x-request-id"];
/** Response headers it may read (request id for support, rate limits, the bearer token sign-in returns). */
const EXPOSE_HEADERS = ["x-request-id", "retry-after", "ratelimit", "ratelimit-policy", "set-auth-token"];

/**
 * CORS for third-party browser apps: only origins in CORS_ORIGINS get CORS headers, and with them
 * credentials (cookies); any other origin gets none, so its browser refuses to hand it the response. A
 * preflight from a listed origin is answered here (204) before auth or routing. `Vary: Origin` is set on every
 * response once an allow-list exists, so shared caches never serve one origin's answer to another.
 */
export const corsAllowList = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const allowed = c.var.deps.config.CORS_ORIGINS;
    if (allowed.length === 0) return next();
    const origin = c.req.header("origin");
    if (!origin || !allowed.includes(origin)) {
      await next();
      c.res.headers.append("vary", "Origin");
      return;
    }
    return cors({
      origin,
      credentials: true,
      allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
      allowHeaders: ALLOW_HEADERS,
      exposeHeaders: EXPOSE_HEADERS,
      maxAge: 600,
    })(c, next);
  });
