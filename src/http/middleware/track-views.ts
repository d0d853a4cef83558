import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context";
import { recordQuietly } from "../../services/events/event-log";

/**
 * Logs a `view` event after a successful product detail response (GET /v1/products/{id}), without
 * touching the catalog route: the event log stays the marketplace's concern.
 */
export const trackProductViews = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    await next();
    if (c.req.method !== "GET" || c.res.status !== 200) return;
    const id = c.req.param("id");
    if (!id) return;
    const p = c.var.principal;
    await recordQuietly(c.var.deps, [
      {
        type: "view",
        userId: p.type === "anonymous" ? null : p.userId,
        anonId: p.type === "api_key" ? null : c.var.anonId,
        parentAsin: id,
        context: { surface: "product_detail", via: p.type },
      },
    ]);
  });
