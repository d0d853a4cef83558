import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../../http/middleware/require";
import { createRouter, errorResponses, scopeSecurity } from "../../http/openapi";
import { SESSION_ID } from "../../recsys/events/ingest";
import { callerOf } from "../../http/caller";
import { productRecommendations, sessionRecommendations } from "../../recsys/session/session-recs";
import {
  EndUserHeaders,
  markDegraded,
  notReadyResponse,
  RecItemSchema,
  SourceReportSchema,
} from "./recommendation-schemas";
import { notFound } from "../../domain/errors";

const RecListSchema = z
  .object({
    items: z.array(RecItemSchema),
    modelVersion: z.string(),
    degraded: z.boolean(),
    sources: SourceReportSchema,
  })
  .openapi("RecommendationList");

const limit = z.coerce.number().int().min(1).max(50).default(10);
const sessionParam = z
  .string()
  .regex(SESSION_ID)
  .optional()
  .openapi({ description: "Defaults to the rc_sid cookie / x-session-id header" });

/** An API key needs recommendations:read alone (not catalog:read, even under /products): docs/auth.md. */
const guard = requireScope("recommendations:read", { anonymous: true });

export const sessionRecsRoute = createRoute({
  method: "get",
  path: "/recommendations/session",
  tags: ["recommendations"],
  summary: "Next items for the live session (session kNN + co-visitation of its last items)",
  operationId: "getSessionRecommendations",
  security: scopeSecurity("recommendations:read", { anonymous: true }),
  middleware: guard,
  description:
    "API keys: the session or end user (`x-end-user-id`) the key names, in its own namespace; never the key owner's.",
  request: { query: z.object({ limit, session_id: sessionParam }), headers: EndUserHeaders },
  responses: {
    200: { description: "Recommendations", content: { "application/json": { schema: RecListSchema } } },
    ...errorResponses(400, 401, 403, 429),
    ...notReadyResponse,
  },
});

export const productRecsRoute = createRoute({
  method: "get",
  path: "/products/{id}/recommendations",
  tags: ["recommendations"],
  summary: "Next/similar for a product page (co-visitation + vector neighbours + bought-together, session as context)",
  operationId: "getProductRecommendations",
  security: scopeSecurity("recommendations:read", { anonymous: true }),
  middleware: guard,
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .max(40)
        .openapi({ param: { name: "id", in: "path" } }),
    }),
    query: z.object({ limit, session_id: sessionParam }),
    headers: EndUserHeaders,
  },
  responses: {
    200: { description: "Recommendations", content: { "application/json": { schema: RecListSchema } } },
    ...errorResponses(400, 401, 403, 404, 429),
    ...notReadyResponse,
  },
});

/**
 * Mounted at /v1. `/products/{id}/recommendations` has one more segment than the products router's
 * `/products/{id}`, so the two never match the same request (tested in recommendations.routes.test.ts).
 */
export const recommendationsRoutes = createRouter();
recommendationsRoutes
  .openapi(sessionRecsRoute, async (c) => {
    const q = c.req.valid("query");
    const recsys = c.var.deps.recsys;
    const models = recsys.models;
    const caller = callerOf(c, q.session_id);
    // Session recommendations are about this session only: no long-term history.
    const history = await recsys.history({ userId: null, sessionId: caller.sessionId });
    const list = await sessionRecommendations(recsys.feed, models, caller, history, q.limit, `${c.var.requestId}`);
    markDegraded(c, list);
    return c.json(list, 200);
  })
  .openapi(productRecsRoute, async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    const recsys = c.var.deps.recsys;
    const models = recsys.models;
    const item = models.catalog.indexOf.get(id);
    if (item === undefined) throw notFound("product");
    const caller = callerOf(c, q.session_id);
    const history = await recsys.history({ userId: null, sessionId: caller.sessionId });
    const list = await productRecommendations(
      recsys.feed,
      models,
      caller,
      item,
      history,
      q.limit,
      `${c.var.requestId}`,
    );
    markDegraded(c, list);
    return c.json(list, 200);
  });
