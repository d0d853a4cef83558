import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppDeps, AppEnv } from "../../context";
import { ConflictError, NotFoundError } from "../../domain/errors";
import { assertUser, requirePermission } from "../../http/middleware/require";
import { createRouter } from "../../http/openapi";
import type { ModelRegistry } from "../../ports/model-registry";
import { REGISTRY_MODELS } from "../../recsys/models/bootstrap";
import { ModelAdmin } from "../../recsys/selection/admin";
import { SelectionStore } from "../../recsys/selection/store";
import { json, jsonBody, pick, sessionSecurity } from "./marketplace-schemas";

const IntervalSchema = z.object({ estimate: z.number(), lo: z.number(), hi: z.number() });
const ArmSchema = z.object({
  requests: z.number().int(),
  impressions: z.number().int(),
  clicks: z.number().int(),
  purchases: z.number().int(),
  errors: z.number().int(),
  latencyMsSum: z.number(),
  ctr: IntervalSchema.openapi({ description: "Click-through rate per impression, 95% credible interval" }),
  meanLatencyMs: z.number().nullable(),
  errorRate: z.number().nullable(),
});
const ExperimentSchema = z
  .object({
    id: z.string(),
    model: z.string(),
    kind: z.enum(["challenge", "guard"]),
    status: z.enum(["running", "promoted", "rejected", "rolled_back", "ended", "aborted"]),
    champion: z.string(),
    challenger: z.string(),
    share: z.number().openapi({ description: "Challenger's current share of interleaved feed slots (0 once ended)" }),
    startedAt: z.number().int(),
    endedAt: z.number().int().nullable(),
    reason: z.string().nullable(),
    offline: z.record(z.string(), z.number()).nullable(),
    arms: z.object({ champion: ArmSchema, challenger: ArmSchema }),
    pChallengerBetter: z.number(),
    lift: IntervalSchema.openapi({ description: "Relative CTR lift of the challenger, 95% interval" }),
  })
  .openapi("ModelExperiment");
const PinSchema = z.object({
  model: z.string(),
  version: z.string(),
  pinnedBy: z.string(),
  pinnedAt: z.number().int(),
  reason: z.string(),
});
const ModelSchema = z
  .object({
    model: z.string(),
    live: z.object({ version: z.string(), since: z.number().int(), reason: z.string() }).nullable(),
    pin: PinSchema.nullable(),
    versions: z.array(
      z.object({ version: z.string(), createdAt: z.number().int(), metrics: z.record(z.string(), z.number()) }),
    ),
  })
  .openapi("ModelVersions");
const DecisionSchema = z
  .object({
    id: z.number().int(),
    ts: z.number().int(),
    model: z.string(),
    action: z.string(),
    fromVersion: z.string().nullable(),
    toVersion: z.string().nullable(),
    experimentId: z.string().nullable(),
    reason: z.string(),
    numbers: z.record(z.string(), z.unknown()).nullable(),
    actor: z.string().openapi({ description: "`selection` (automatic) or the admin's user id" }),
  })
  .openapi("ModelDecision");
const OverviewSchema = z.object({
  models: z.array(ModelSchema),
  experiments: z.array(ExperimentSchema),
  decisions: z.array(DecisionSchema),
});
const ActionSchema = z.object({ model: z.string(), from: z.string().nullable(), to: z.string() });

const ModelParam = z.object({
  model: z
    .enum(REGISTRY_MODELS as [string, ...string[]])
    .openapi({ param: { name: "model", in: "path" }, description: "A serving model" }),
});
const Reason = z.string().trim().min(1).max(500);

const overviewRoute = createRoute({
  method: "get",
  path: "/models",
  tags: ["admin"],
  summary: "Model versions, live traffic shares, offline and online metrics with intervals, decision log (admins)",
  operationId: "getModelsOverview",
  security: sessionSecurity,
  middleware: requirePermission({ model: ["read"] }),
  responses: { 200: json(OverviewSchema, "Models"), ...pick(401, 403, 429) },
});

const pinRoute = createRoute({
  method: "put",
  path: "/models/{model}/pin",
  tags: ["admin"],
  summary: "Pin a model to a version: it goes live and selection leaves it there until unpinned (admins)",
  operationId: "pinModel",
  security: sessionSecurity,
  middleware: requirePermission({ model: ["manage"] }),
  request: {
    params: ModelParam,
    body: jsonBody(z.object({ version: z.string().min(1).max(128), reason: Reason }).strict()),
  },
  responses: { 200: json(ActionSchema, "Pinned"), ...pick(400, 401, 403, 404, 413, 429) },
});

const unpinRoute = createRoute({
  method: "delete",
  path: "/models/{model}/pin",
  tags: ["admin"],
  summary: "Remove a pin: selection resumes (admins)",
  operationId: "unpinModel",
  security: sessionSecurity,
  middleware: requirePermission({ model: ["manage"] }),
  request: { params: ModelParam },
  responses: { 204: { description: "Unpinned" }, ...pick(400, 401, 403, 404, 429) },
});

const rollbackRoute = createRoute({
  method: "post",
  path: "/models/{model}/rollback",
  tags: ["admin"],
  summary: "Roll a model back to a version, or to the one before the live one (admins)",
  operationId: "rollbackModel",
  security: sessionSecurity,
  middleware: requirePermission({ model: ["manage"] }),
  request: {
    params: ModelParam,
    body: jsonBody(z.object({ version: z.string().min(1).max(128).optional(), reason: Reason }).strict()),
  },
  responses: { 200: json(ActionSchema, "Rolled back"), ...pick(400, 401, 403, 404, 409, 413, 429) },
});

/** The model admin over these deps (also used by the admin models page, src/web/pages/admin/). */
export function modelAdminFor(deps: Pick<AppDeps, "db" | "recsys" | "clock">): ModelAdmin {
  const { db, recsys, clock } = deps;
  return new ModelAdmin({
    store: new SelectionStore(db),
    registry: recsys.o.registry as ModelRegistry,
    now: clock,
    models: REGISTRY_MODELS,
  });
}

const adminOf = (c: Context<AppEnv>) => modelAdminFor(c.var.deps);

export const adminModelsRoutes = createRouter()
  .openapi(overviewRoute, async (c) => c.json(await adminOf(c).overview(), 200))
  .openapi(pinRoute, async (c) => {
    const { model } = c.req.valid("param");
    const body = c.req.valid("json");
    const r = await adminOf(c).pin(model, body.version, assertUser(c.var.principal).userId, body.reason);
    if (!r.ok) throw new NotFoundError("version_not_found", `${model} has no loadable version ${body.version}`);
    return c.json({ model, from: r.from, to: r.to }, 200);
  })
  .openapi(unpinRoute, async (c) => {
    const { model } = c.req.valid("param");
    if (!(await adminOf(c).unpin(model, assertUser(c.var.principal).userId)))
      throw new NotFoundError("not_found", `${model} is not pinned`);
    return c.body(null, 204);
  })
  .openapi(rollbackRoute, async (c) => {
    const { model } = c.req.valid("param");
    const body = c.req.valid("json");
    const r = await adminOf(c).rollback(model, assertUser(c.var.principal).userId, body.reason, body.version);
    if (!r.ok && r.code === "unknown_version")
      throw new NotFoundError("version_not_found", `${model} has no loadable version ${body.version}`);
    if (!r.ok) throw new ConflictError("no_previous_version", `${model} has no version older than the live one`);
    return c.json({ model, from: r.from, to: r.to }, 200);
  });
