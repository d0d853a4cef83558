import { createRoute, z } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor } from "../../domain/cursor";
import { requireScope } from "../../http/middleware/require";
import { createRouter, errorResponses, scopeSecurity } from "../../http/openapi";
import { SESSION_ID } from "../../recsys/events/ingest";
import { callerOf } from "../../http/caller";
import { openRouteCursor, sealRouteCursor } from "../../http/cursors";
import {
  EndUserHeaders,
  markDegraded,
  notReadyResponse,
  RecItemSchema,
  SourceReportSchema,
} from "./recommendation-schemas";

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().max(300).optional(),
  session_id: z
    .string()
    .regex(SESSION_ID)
    .optional()
    .openapi({ description: "Defaults to the rc_sid cookie / x-session-id header" }),
});

const CursorSchema = z.object({ s: z.string().min(1).max(100), o: z.number().int().min(0).max(10_000) });

const FeedSchema = z
  .object({
    items: z.array(RecItemSchema),
    nextCursor: z.string().nullable(),
    snapshotId: z.string(),
    modelVersion: z.string(),
    degraded: z
      .boolean()
      .openapi({ description: "True when a recall source failed or ran out of time; `sources.failed` names it" }),
    sources: SourceReportSchema,
    filtered: z
      .record(z.string(), z.number().int())
      .openapi({ description: "Candidates removed, by reason (seen, negative, bought, own, unavailable)" }),
  })
  .openapi("Feed");

export const feedRoute = createRoute({
  method: "get",
  path: "/feed",
  tags: ["recommendations"],
  summary: "Personalised home feed (catalog products with their best active listing)",
  operationId: "getFeed",
  security: scopeSecurity("recommendations:read", { anonymous: true }),
  middleware: [requireScope("recommendations:read", { anonymous: true })] as const,
  description:
    "Signed-in users get their personal feed; anonymous visitors their session's. API keys act for an application: " +
    "the feed of the end user (`x-end-user-id`) or session (`session_id` / `x-session-id`) the key names, in the " +
    "key's own namespace, else the anonymous feed; never the key owner's personal feed. Cursors are signed and " +
    "bound to the caller: an altered or foreign cursor is `400 invalid_cursor`.",
  request: { query: Query, headers: EndUserHeaders },
  responses: {
    200: { description: "A page of the feed", content: { "application/json": { schema: FeedSchema } } },
    ...errorResponses(400, 401, 403, 429),
    ...notReadyResponse,
  },
});

export const feedRoutes = createRouter();
feedRoutes.openapi(feedRoute, async (c) => {
  const { limit, cursor, session_id } = c.req.valid("query");
  const recsys = c.var.deps.recsys;
  const models = recsys.models;
  const caller = callerOf(c, session_id);
  // Signed and bound to the caller it was made for (the snapshot's owner is checked again behind it).
  const binding = { caller: caller.userId ? `u:${caller.userId}` : `s:${caller.sessionId ?? "-"}` };
  let page: Awaited<ReturnType<typeof recsys.feed.firstPage>>;
  if (cursor) {
    const cur = decodeCursor(await openRouteCursor(c, "feed", binding, cursor), CursorSchema);
    page = await recsys.feed.nextPage(models, caller, cur.s, cur.o, limit);
  } else {
    page = await recsys.feed.firstPage(models, caller, await recsys.history(caller), limit, recsys.activeExperiment());
  }
  const { nextCursor, ...rest } = page;
  markDegraded(c, page);
  const inner = nextCursor ? encodeCursor({ s: nextCursor.snapshotId, o: nextCursor.offset }) : null;
  return c.json({ ...rest, nextCursor: await sealRouteCursor(c, "feed", binding, inner) }, 200);
});
