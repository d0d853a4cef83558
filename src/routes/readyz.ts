import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps } from "../context";
import { createRouter, noSecurity } from "../http/openapi";
import { errorMessage } from "../ports/logger";

/**
 * Readiness (Kubernetes readinessProbe): this process can serve its API now. Unlike /healthz (liveness:
 * restart me if this fails) a failing dependency here only takes the pod out of the Service until it answers
 * again. Each check has its own short timeout so one hung backend cannot stall the probe past its timeout.
 *
 * The database and the serving models are required (503 `not_ready`). The session store and the vector index
 * are shared by every pod and served around when down (degraded feeds: docs/operations.md): failing readiness
 * for them would take every pod out of the Service at once, catalog and marketplace included. So they answer
 * 200 `degraded`, with `down` naming them.
 */
export const READINESS_CHECKS = ["database", "models", "session_store", "vector_index"] as const;
export type ReadinessCheck = (typeof READINESS_CHECKS)[number];
const REQUIRED: ReadonlySet<ReadinessCheck> = new Set(["database", "models"]);
/** Per check; under the probe's 3 s timeout (deploy/k8s/base/deployment.yaml) with room for the response. */
export const READINESS_TIMEOUT_MS = 1500;

const CheckCode = z.enum(["timeout", "error", "not_loaded"]);
type CheckCode = z.infer<typeof CheckCode>;
const CheckSchema = z.object({ ok: z.boolean(), latencyMs: z.number(), code: CheckCode.optional() });
const ReadySchema = z
  .object({
    status: z.enum(["ready", "degraded", "not_ready"]),
    /** `dependency_down` when `down` is not empty. */
    code: z.enum(["dependency_down"]).optional(),
    down: z.array(z.enum(READINESS_CHECKS)),
    checks: z.record(z.enum(READINESS_CHECKS), CheckSchema),
  })
  .openapi("Readiness");
type CheckResult = z.infer<typeof CheckSchema>;

class NotLoaded extends Error {}
class TimedOut extends Error {}

/** The round trips: cheap reads each backend must answer (no writes: probes run every few seconds per pod). */
const probes: Record<ReadinessCheck, (deps: AppDeps) => Promise<unknown>> = {
  database: (deps) => deps.db.$client.execute("SELECT 1"),
  models: async (deps) => {
    if (!deps.recsys.ready) throw new NotLoaded("serving models are still loading");
  },
  session_store: (deps) => deps.sessions.get("readyz:probe"),
  vector_index: (deps) => deps.vectors.liveVersion(),
};

async function runCheck(deps: AppDeps, name: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probes[name](deps), timeout]);
    return { ok: true, latencyMs: performance.now() - started };
  } catch (err) {
    const code: CheckCode = err instanceof TimedOut ? "timeout" : err instanceof NotLoaded ? "not_loaded" : "error";
    // The cause goes to the log, not to the (public) response: it may name hosts or carry backend details.
    deps.logger.warn("readyz: dependency down", { check: name, code, error: errorMessage(err) });
    return { ok: false, latencyMs: performance.now() - started, code };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(deps: AppDeps, timeoutMs = READINESS_TIMEOUT_MS) {
  const results = await Promise.all(READINESS_CHECKS.map((name) => runCheck(deps, name, timeoutMs)));
  const checks = Object.fromEntries(READINESS_CHECKS.map((name, i) => [name, results[i]])) as Record<
    ReadinessCheck,
    CheckResult
  >;
  const down = READINESS_CHECKS.filter((name) => !checks[name].ok);
  if (down.length === 0) return { status: "ready" as const, down, checks };
  const status = down.some((name) => REQUIRED.has(name)) ? ("not_ready" as const) : ("degraded" as const);
  return { status, code: "dependency_down" as const, down, checks };
}

const readyRoute = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["ops"],
  summary: "Readiness: database and serving models required; session store and vector index reported",
  operationId: "getReadiness",
  security: noSecurity,
  responses: {
    200: {
      description: "Ready to serve (`degraded`: the session store or vector index is down, `down` names it)",
      content: { "application/json": { schema: ReadySchema } },
    },
    503: {
      description: "The database is down or models are loading; `down` names which",
      content: { "application/json": { schema: ReadySchema } },
    },
  },
});

export const readyzRoutes = createRouter().openapi(readyRoute, async (c) => {
  const body = await checkReadiness(c.var.deps);
  c.header("Cache-Control", "no-store");
  if (body.status !== "not_ready") return c.json(body, 200);
  c.header("Retry-After", "5");
  return c.json(body, 503);
});
