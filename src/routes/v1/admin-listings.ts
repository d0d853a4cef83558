import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../context";
import { auditLog } from "../../db/schema/seller";
import { assertUser, requirePermission } from "../../http/middleware/require";
import { createRouter } from "../../http/openapi";
import { auditTrail } from "../../services/audit/audit";
import { listAnyStatus, moderateListing, type ModerationAction } from "../../services/moderation/moderation";
import {
  Id,
  ListingSchema,
  ListingStatusSchema,
  idParam,
  json,
  jsonBody,
  pick,
  sessionSecurity,
} from "./marketplace-schemas";

const Reason = z.string().trim().min(3).max(500).openapi({ description: "Shown to the seller; kept in the audit log" });

const listRoute = createRoute({
  method: "get",
  path: "/listings",
  operationId: "listListingsForModeration",
  tags: ["admin"],
  summary: "Every listing, whatever its status, for moderation (admins)",
  security: sessionSecurity,
  middleware: requirePermission({ listing: ["update-any"] }),
  request: {
    query: z.object({
      status: ListingStatusSchema.optional(),
      seller: Id.optional(),
      q: z
        .string()
        .trim()
        .min(1)
        .max(200)
        .optional()
        .openapi({ description: "Listing id, or words of its title or description" }),
      limit: z.coerce.number().int().min(1).max(100).default(50),
      cursor: z.string().max(500).optional(),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(ListingSchema), nextCursor: z.string().nullable() }), "Listings"),
    ...pick(400, 401, 403, 429),
  },
});

/** The shared contract of the three moderation actions (each route declares its guard itself). */
const WithReason = z.object({ reason: Reason }).strict();
const MaybeReason = z.object({ reason: Reason.optional() }).strict();
const action = (a: ModerationAction, summary: string) => ({
  method: "post" as const,
  path: `/listings/{id}/${a}`,
  operationId: `${a}Listing`,
  tags: ["admin"],
  summary,
  description: "A move from a status the action does not apply to is 409 `invalid_transition`. Audited.",
  security: sessionSecurity,
  responses: { 200: json(ListingSchema, "The listing, moderated"), ...pick(400, 401, 403, 404, 409, 413, 429) },
});

const hideRoute = createRoute({
  ...action("hide", "Hide a listing from the market (reversible; admins)"),
  request: { params: idParam("id"), body: jsonBody(WithReason) },
  middleware: requirePermission({ listing: ["update-any"] }),
});
const restoreRoute = createRoute({
  ...action("restore", "Put a hidden listing back on the market (admins)"),
  request: { params: idParam("id"), body: jsonBody(MaybeReason) },
  middleware: requirePermission({ listing: ["update-any"] }),
});
const removeRoute = createRoute({
  ...action("remove", "Remove a listing for good (admins)"),
  request: { params: idParam("id"), body: jsonBody(WithReason) },
  middleware: requirePermission({ listing: ["update-any"] }),
});

const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actorId: z.string().nullable(),
    action: z.string(),
    targetType: z.enum(auditLog.targetType.enumValues),
    targetId: z.string(),
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi("AuditEntry");

const auditRoute = createRoute({
  method: "get",
  path: "/audit",
  operationId: "listAuditEntries",
  tags: ["admin"],
  summary: "The audit trail of one user, listing or order, newest first (admins)",
  security: sessionSecurity,
  middleware: requirePermission({ user: ["list"] }),
  request: {
    query: z.object({
      targetType: z.enum(auditLog.targetType.enumValues),
      targetId: Id,
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(AuditEntrySchema) }), "Audit entries"),
    ...pick(400, 401, 403, 429),
  },
});

export const adminListingsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    return c.json(
      await listAnyStatus(c.var.deps.db, {
        status: q.status,
        sellerId: q.seller,
        q: q.q,
        limit: q.limit,
        cursor: q.cursor,
      }),
      200,
    );
  })
  .openapi(hideRoute, async (c) =>
    c.json(await moderate(c, c.req.valid("param").id, "hide", c.req.valid("json").reason), 200),
  )
  .openapi(restoreRoute, async (c) =>
    c.json(await moderate(c, c.req.valid("param").id, "restore", c.req.valid("json").reason ?? null), 200),
  )
  .openapi(removeRoute, async (c) =>
    c.json(await moderate(c, c.req.valid("param").id, "remove", c.req.valid("json").reason), 200),
  )
  .openapi(auditRoute, async (c) => {
    const q = c.req.valid("query");
    return c.json({ items: await auditTrail(c.var.deps.db, q.targetType, q.targetId, q.limit) }, 200);
  });

async function moderate(c: Context<AppEnv>, listingId: string, a: ModerationAction, reason: string | null) {
  const { deps } = c.var;
  return moderateListing(deps.db, {
    listingId,
    action: a,
    reason,
    actorId: assertUser(c.var.principal).userId,
    now: deps.clock(),
    auditId: deps.newId(),
  });
}
