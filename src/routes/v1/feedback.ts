import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { actingUserId } from "../../auth/principal";
import type { AppEnv } from "../../context";
import { END_USER_HEADER } from "../../auth/api-key-subject";
import { InvalidInputError, notFound, UnauthenticatedError } from "../../domain/errors";
import { keySubjectOf, presentedEndUser, presentedSession } from "../../http/caller";
import { requireScope } from "../../http/middleware/require";
import { createRouter, describeError, errorResponses, scopeSecurity } from "../../http/openapi";
import { EndUserHeaders } from "./recommendation-schemas";
import { SESSION_ID } from "../../recsys/events/ingest";
import {
  negativeFeedbackKinds,
  NegativeFeedbackStore,
  type FeedbackActor,
} from "../../recsys/feedback/negative-feedback";

const sessionParam = z
  .string()
  .regex(SESSION_ID)
  .optional()
  .openapi({ description: "Anonymous callers: defaults to the rc_sid cookie / x-session-id header" });

const FeedbackItemSchema = z
  .object({
    productId: z.string(),
    kind: z.enum(negativeFeedbackKinds),
    title: z.string().nullable().openapi({ description: "Catalog title (null while models load)" }),
    createdAt: z.string().openapi({ description: "ISO 8601" }),
  })
  .openapi("NegativeFeedback");

const sessionRequired = {
  401: describeError(401, "No user and no session id (`session_id_required`), or an invalid API key"),
};

const listRoute = createRoute({
  method: "get",
  path: "/feedback",
  tags: ["recommendations"],
  summary: "Your negative feedback (not interested, hidden, disliked), newest first",
  operationId: "listNegativeFeedback",
  security: scopeSecurity("recommendations:read", { anonymous: true }),
  description:
    "Signed-in users: kept until undone, on every device. Anonymous sessions: kept for the session's lifetime " +
    "(idle TTL) and moved to the account when the same session signs in. Given with POST /v1/events. " +
    "API keys: the feedback of the end user (`x-end-user-id`) or session they name, never the key owner's.",
  middleware: requireScope("recommendations:read", { anonymous: true }),
  request: { query: z.object({ session_id: sessionParam }), headers: EndUserHeaders },
  responses: {
    200: {
      description: "Negative feedback",
      content: { "application/json": { schema: z.object({ items: z.array(FeedbackItemSchema) }) } },
    },
    ...errorResponses(400, 403, 429),
    ...sessionRequired,
  },
});

const undoRoute = createRoute({
  method: "delete",
  path: "/feedback/{productId}",
  tags: ["recommendations"],
  summary: "Undo negative feedback on a product: it may be recommended again",
  operationId: "undoNegativeFeedback",
  security: scopeSecurity("events:write", { anonymous: true }),
  description: "Only your own feedback (or your session's) is touched: 404 when you gave none on this product.",
  middleware: requireScope("events:write", { anonymous: true }),
  request: {
    params: z.object({
      productId: z
        .string()
        .min(1)
        .max(40)
        .openapi({ param: { name: "productId", in: "path" } }),
    }),
    query: z.object({ session_id: sessionParam }),
    headers: EndUserHeaders,
  },
  responses: {
    204: { description: "Undone" },
    ...errorResponses(400, 403, 404, 429),
    ...sessionRequired,
  },
});

/** Whose feedback: the acting user (with the presented session, for carry-over), else the session. */
function actorOf(c: Context<AppEnv>, sessionParam: string | undefined): FeedbackActor {
  if (c.var.principal.type === "api_key") {
    // A key's feedback is its end user's or session's (in the key's namespace), never its owner's.
    const sessionId = keySubjectOf(c, sessionParam);
    if (!sessionId)
      throw new InvalidInputError(
        "end_user_required",
        `API keys name an end user (${END_USER_HEADER}) or a session (session_id / x-session-id)`,
      );
    return { userId: null, sessionId };
  }
  presentedEndUser(c);
  const userId = actingUserId(c.var.principal);
  const sessionId = sessionParam ?? presentedSession(c);
  if (!userId && !sessionId)
    throw new UnauthenticatedError(
      "session_id_required",
      "anonymous feedback belongs to a session: send the rc_sid cookie, an x-session-id header or session_id",
    );
  return { userId, sessionId };
}

const storeOf = (c: Context<AppEnv>): NegativeFeedbackStore =>
  new NegativeFeedbackStore(c.var.deps.db, c.var.deps.sessions);

/** GET /v1/feedback and DELETE /v1/feedback/{productId} (issue 14.5): list and undo lasting negative feedback. */
export const feedbackRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const actor = actorOf(c, c.req.valid("query").session_id);
    const entries = await storeOf(c).list(actor);
    const recsys = c.var.deps.recsys;
    const catalog = recsys.ready ? recsys.models.catalog : null;
    const title = (id: string): string | null => {
      const i = catalog?.indexOf.get(id);
      return i === undefined || !catalog ? null : catalog.titles[i];
    };
    return c.json(
      {
        items: entries.map((e) => ({
          productId: e.productId,
          kind: e.kind,
          title: title(e.productId),
          createdAt: new Date(e.createdAt).toISOString(),
        })),
      },
      200,
    );
  })
  .openapi(undoRoute, async (c) => {
    const actor = actorOf(c, c.req.valid("query").session_id);
    const { productId } = c.req.valid("param");
    if (!(await storeOf(c).remove(actor, productId))) throw notFound("feedback on this product");
    return c.body(null, 204);
  });
