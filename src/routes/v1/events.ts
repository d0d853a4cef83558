import { createRoute, z } from "@hono/zod-openapi";
import { actingUserId } from "../../auth/principal";
import { requireScope } from "../../http/middleware/require";
import { createRouter, describeError, errorResponses, scopeSecurity } from "../../http/openapi";
import { EventInSchema, ingestEvents, MAX_BATCH } from "../../recsys/events/ingest";
import { presentedSession } from "../../http/caller";
import { UnauthenticatedError } from "../../domain/errors";

const EventIn = EventInSchema.openapi("EventIn");

const BatchSchema = z
  .object({
    // Items are validated one by one in the handler so a bad event is rejected alone (207), not the batch: the
    // body's validator takes any item, while the document states what a client should send, an EventIn.
    events: z
      .array(
        z.unknown().openapi({
          allOf: [{ $ref: "#/components/schemas/EventIn" }],
          description: "An event; one that does not match is rejected alone (see `rejected`)",
        }),
      )
      .min(1)
      .max(MAX_BATCH),
  })
  .openapi("EventBatch");

const ResultSchema = z
  .object({
    accepted: z
      .array(z.string())
      .openapi({ description: "Ids stored by this or an earlier request (idempotent replays included)" }),
    duplicates: z.array(z.string()).openapi({ description: "Accepted ids that were already stored" }),
    rejected: z.array(
      z.object({
        index: z.number().int(),
        id: z.string().nullable(),
        code: z.enum([
          "invalid_event",
          "duplicate_in_batch",
          "session_required",
          "invalid_timestamp",
          "context_too_large",
          "unknown_item",
          "unknown_listing",
          "listing_mismatch",
        ]),
        message: z.string(),
      }),
    ),
  })
  .openapi("EventBatchResult");

const route = createRoute({
  method: "post",
  path: "/events",
  tags: ["recommendations"],
  summary: "Ingest interaction events (batch of up to 500)",
  operationId: "ingestEvents",
  security: scopeSecurity("events:write", { anonymous: true }),
  middleware: [requireScope("events:write", { anonymous: true })] as const,
  description:
    "Each event is validated on its own: good ones are stored even when others are rejected (207 with reasons). " +
    "Signed-in users and API keys with `events:write` act for their user; anonymous callers must send a session id.",
  request: { body: { required: true, content: { "application/json": { schema: BatchSchema } } } },
  responses: {
    200: { description: "Every event accepted", content: { "application/json": { schema: ResultSchema } } },
    207: {
      description: "Some events rejected (see `rejected`)",
      content: { "application/json": { schema: ResultSchema } },
    },
    ...errorResponses(400, 413, 429),
    401: describeError(401, "No user and no session id (`session_id_required`), or an invalid API key"),
    403: describeError(403, "API key without events:write, or a cookie write from an origin not allowed"),
  },
});

/** POST /v1/events (issue 5): per-event validation, idempotent by client id, event log + session history. */
export const eventsRoutes = createRouter();
eventsRoutes.openAPIRegistry.register("EventIn", EventIn);
eventsRoutes.openapi(route, async (c) => {
  const { events: raw } = c.req.valid("json");
  const { db, sessions, recsys } = c.var.deps;
  const userId = actingUserId(c.var.principal);
  const sessionId = presentedSession(c);
  const anyEventSession = raw.some((e) => e !== null && typeof e === "object" && "session_id" in e);
  if (!userId && !sessionId && !anyEventSession) {
    throw new UnauthenticatedError(
      "session_id_required",
      "anonymous events need a session id: send the rc_sid cookie, an x-session-id header or session_id per event",
    );
  }
  const result = await ingestEvents(
    { db, events: recsys.o.events, sessions, marketplace: recsys.o.marketplace, now: c.var.deps.clock() },
    { userId, sessionId },
    raw,
  );
  return c.json(result, result.rejected.length > 0 ? 207 : 200);
});
