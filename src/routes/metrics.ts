import { Hono } from "hono";
import type { AppEnv } from "../context";
import { errorBody } from "../http/errors";

/** Constant-time comparison of two strings through their SHA-256 digests (Web Crypto: Node and workerd). */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [x, y] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(a)),
    crypto.subtle.digest("SHA-256", enc.encode(b)),
  ]);
  const u = new Uint8Array(x);
  const v = new Uint8Array(y);
  let diff = 0;
  for (let i = 0; i < u.length; i++) diff |= u[i] ^ v[i];
  return diff === 0;
}

/**
 * `/metrics` (Prometheus text), guarded by `Authorization: Bearer <METRICS_TOKEN>` on the public port: one
 * Service and NetworkPolicy for app and scrape alike. Without METRICS_TOKEN (or without metrics, on Workers)
 * the route does not exist: 404, so an unconfigured deployment exposes nothing. Not in the OpenAPI document:
 * it is for operators, not API clients.
 */
export const metricsRoutes = new Hono<AppEnv>().get("/metrics", async (c) => {
  const { config, metrics } = c.var.deps;
  const token = config.METRICS_TOKEN;
  if (!token || !metrics) return c.json(errorBody(c, "not_found", "no route for GET /metrics"), 404);
  const presented = /^Bearer (.+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
  if (!(await sameSecret(presented, token))) {
    c.header("WWW-Authenticate", 'Bearer realm="metrics"');
    return c.json(errorBody(c, "unauthorized", "metrics require Authorization: Bearer <METRICS_TOKEN>"), 401);
  }
  const { contentType, body } = await metrics.render();
  c.header("Cache-Control", "no-store");
  return c.body(body, 200, { "Content-Type": contentType });
});
