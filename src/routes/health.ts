import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, noSecurity } from "../http/openapi";

const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() })),
  })
  .openapi("Health");

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["ops"],
  summary: "Liveness and dependency health",
  operationId: "getHealth",
  security: noSecurity,
  responses: {
    200: { description: "Healthy", content: { "application/json": { schema: HealthSchema } } },
    503: { description: "A dependency is down", content: { "application/json": { schema: HealthSchema } } },
  },
});

/** Health checks the database with a real round trip: a process that cannot reach its data is not healthy. */
export const healthRoutes = createRouter().openapi(healthRoute, async (c) => {
  const started = performance.now();
  try {
    // raw SQL: a bare round trip, the baseline row of bench:catalog and bench:serve
    await c.var.deps.db.$client.execute("SELECT 1");
    return c.json(
      { status: "ok" as const, checks: { database: { ok: true, latencyMs: performance.now() - started } } },
      200,
    );
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return c.json(
      {
        status: "degraded" as const,
        checks: { database: { ok: false, latencyMs: performance.now() - started, error } },
      },
      503,
    );
  }
});
