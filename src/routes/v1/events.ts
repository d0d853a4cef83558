import { createRoute, z } from "@hono/zod-openapi";
import { actingUserId } from "../../auth/principal";
import { requireScope } from "../../http/middleware/require";
import { createRouter, describeError, errorResponses, scopeSecurity } from "../../http/openapi";
import { EndUserHeaders } from "./recommendation-schemas";
import { EventInSchema, ingestEvents, MAX_BATCH } from "../../recsys/events/ingest";
import { keySubjectOf, presentedEndUser, presentedSession } from "../../http/caller";
import { InvalidInputError, UnauthenticatedError } from "../../domain/errors";
import { END_USER_HEADER } from "../../auth/api-key-subject";
import { BACKENDS } from "../../ports/backends";
import { logAt } from "../../ports/logger";

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
    degraded: z
      .array(z.enum(BACKENDS))
      .optional()
      .openapi({
        description:
          "Present when the events were stored but the session history could not be updated (the backends that " +
          "were down): they count, live personalisation may not reflect them yet",
      }),
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
    "Signed-in users' events are theirs; anonymous callers must send a session id. API keys (`events:write`) act " +
    "for an application, never as the key's owner: each event names an end user (`end_user_id`, or the " +
    `\`${END_USER_HEADER}\` header) or a session (\`session_id\`, or \`x-session-id\`) in the key's own ` +
    "namespace, else it is rejected `session_required` (the whole batch `400 end_user_required` when none does).",
  request: {
    body: { required: true, content: { "application/json": { schema: BatchSchema } } },
    headers: EndUserHeaders,
  },
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
  const principal = c.var.principal;
  const userId = actingUserId(principal);
  const keyOwner = principal.type === "api_key" ? principal.userId : undefined;
  if (keyOwner === undefined) presentedEndUser(c); // refuses x-end-user-id from anyone but a key
  const sessionId = keyOwner !== undefined ? keySubjectOf(c) : presentedSession(c);
  const names = (k: string) => raw.some((e) => e !== null && typeof e === "object" && k in e);
  if (keyOwner !== undefined && !sessionId && !names("session_id") && !names("end_user_id")) {
    throw new InvalidInputError(
      "end_user_required",
      `API key events name an end user or a session: send ${END_USER_HEADER} or x-session-id, or end_user_id / session_id per event`,
    );
  }
  if (keyOwner === undefined && !userId && !sessionId && !names("session_id")) {
    throw new UnauthenticatedError(
      "session_id_required",
      "anonymous events need a session id: send the rc_sid cookie, an x-session-id header or session_id per event",
    );
  }
  const result = await ingestEvents(
    {
      db,
      events: recsys.o.events,
      sessions,
      marketplace: recsys.o.marketplace,
      now: c.var.deps.clock(),
      log: logAt(c.var.deps.logger),
    },
    { userId, sessionId, ...(keyOwner !== undefined ? { keyOwner } : {}) },
    raw,
  );
  if (result.degraded) c.header("X-Degraded", result.degraded.join(", ") || "session_history");
  return c.json(result, result.rejected.length > 0 ? 207 : 200);
});
