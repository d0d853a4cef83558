import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../../context";

/** Probes and scrapes every few seconds per pod: logged at debug so they do not drown the requests. */
const QUIET = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * The route pattern that answered: the last matched handler (middleware is registered as method ALL), so
 * `/v1/products/:id` rather than the raw path. `unmatched` when no handler did (404 from notFound).
 */
export function answeringRoute(c: Context): string {
  const handlers = matchedRoutes(c).filter((r) => r.method !== "ALL");
  return handlers.at(-1)?.path ?? "unmatched";
}

/**
 * Handlers that return a Response of their own (better-auth on /api/auth/*) drop the header the requestId
 * middleware set on the context: put it back, so every response carries the id its log line has.
 */
function ensureRequestIdHeader(c: Context<AppEnv>): void {
  const id = c.var.requestId;
  if (!id || c.res.headers.get("x-request-id")) return;
  try {
    c.res.headers.set("x-request-id", id);
  } catch {
    // immutable headers (a fetched Response): copy it once
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set("x-request-id", id);
  }
}

/**
 * One JSON access-log line per request through the Logger, carrying the request id, and the request counted
 * in the process's metrics when it has them; every response leaves with its `x-request-id`. Mounted after the
 * deps middleware.
 */
export const accessLog = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      ensureRequestIdHeader(c);
      const ms = performance.now() - started;
      const { logger, metrics } = c.var.deps;
      const route = answeringRoute(c);
      const status = c.res.status;
      metrics?.observeRequest({ method: c.req.method, route, status, seconds: ms / 1000 });
      const line = {
        requestId: c.var.requestId,
        method: c.req.method,
        path: c.req.path,
        route,
        status,
        ms: Math.round(ms * 10) / 10,
      };
      if (QUIET.has(c.req.path) && status < 400) logger.debug("request", line);
      else logger.info("request", line);
    }
  });
