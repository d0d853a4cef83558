import { createRoute, z } from "@hono/zod-openapi";
import { notFound } from "../../http/errors";
import { requireScope } from "../../http/middleware/require";
import { createRouter, errorResponses } from "../../http/openapi";
import { SESSION_ID } from "../../recsys/events/ingest";
import { callerOf, modelsOr503, notReadyResponse, RecItemSchema, SourceReportSchema } from "../../recsys/http";
import { productRecommendations, sessionRecommendations } from "../../recsys/session/session-recs";

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

const sessionRoute = createRoute({
  method: "get",
  path: "/recommendations/session",
  tags: ["recommendations"],
  summary: "Next items for the live session (session kNN + co-visitation of its last items)",
  request: { query: z.object({ limit, session_id: sessionParam }) },
  responses: {
    200: { description: "Recommendations", content: { "application/json": { schema: RecListSchema } } },
    ...errorResponses,
    ...notReadyResponse,
  },
});

const productRoute = createRoute({
  method: "get",
  path: "/products/{id}/recommendations",
  tags: ["recommendations"],
  summary: "Next/similar for a product page (co-visitation + vector neighbours + bought-together, session as context)",
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .max(40)
        .openapi({ param: { name: "id", in: "path" } }),
    }),
    query: z.object({ limit, session_id: sessionParam }),
  },
  responses: {
    200: { description: "Recommendations", content: { "application/json": { schema: RecListSchema } } },
    ...errorResponses,
    ...notReadyResponse,
  },
});

/**
 * Mounted at /v1. `/products/{id}/recommendations` has one more segment than the products router's
 * `/products/{id}`, so the two never match the same request (tested in recommendations.routes.test.ts).
 */
export const recommendationsRoutes = createRouter();
recommendationsRoutes.use("/recommendations/*", requireScope("recommendations:read", { anonymous: true }));
recommendationsRoutes.use("/products/:id/recommendations", requireScope("recommendations:read", { anonymous: true }));
recommendationsRoutes
  .openapi(sessionRoute, async (c) => {
    const q = c.req.valid("query");
    const recsys = c.var.deps.recsys;
    const models = modelsOr503(c, recsys);
    const caller = callerOf(c, q.session_id);
    // Session recommendations are about this session only: no long-term history.
    const history = await recsys.history({ userId: null, sessionId: caller.sessionId });
    return c.json(
      await sessionRecommendations(recsys.feed, models, caller, history, q.limit, `${c.var.requestId}`),
      200,
    );
  })
  .openapi(productRoute, async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    const recsys = c.var.deps.recsys;
    const models = modelsOr503(c, recsys);
    const item = models.catalog.indexOf.get(id);
    if (item === undefined) throw notFound("product");
    const caller = callerOf(c, q.session_id);
    const history = await recsys.history({ userId: null, sessionId: caller.sessionId });
    return c.json(
      await productRecommendations(recsys.feed, models, caller, item, history, q.limit, `${c.var.requestId}`),
      200,
    );
  });
