import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { roleNames } from "../../auth/permissions";
import type { AppEnv } from "../../context";
import { assertUser, requirePermission } from "../../http/middleware/require";
import { createRouter } from "../../http/openapi";
import { banUser, changeRole, listUsers, unbanUser } from "../../services/admin/users";
import { idParam, json, jsonBody, pick, sessionSecurity } from "./marketplace-schemas";

const Role = z.enum(roleNames);

const AdminUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: Role,
    banned: z.boolean(),
    banReason: z.string().nullable(),
    banExpires: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("AdminUser");

const ListQuery = z.object({
  role: Role.optional(),
  q: z.string().trim().min(1).max(200).optional().openapi({ description: "Email or name contains" }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(500).optional(),
});

const listRoute = createRoute({
  method: "get",
  path: "/users",
  tags: ["admin"],
  summary: "List users (admins)",
  operationId: "listUsers",
  security: sessionSecurity,
  middleware: requirePermission({ user: ["list"] }),
  request: { query: ListQuery },
  responses: {
    200: json(z.object({ items: z.array(AdminUserSchema), nextCursor: z.string().nullable() }), "Users"),
    ...pick(400, 401, 403, 429),
  },
});

const roleRoute = createRoute({
  method: "put",
  path: "/users/{id}/role",
  tags: ["admin"],
  summary: "Change a user's role (admins)",
  operationId: "setUserRole",
  security: sessionSecurity,
  middleware: requirePermission({ user: ["set-role"] }),
  request: { params: idParam("id"), body: jsonBody(z.object({ role: Role }).strict()) },
  responses: { 200: json(AdminUserSchema, "Updated"), ...pick(400, 401, 403, 404, 409, 413, 429) },
});

const banRoute = createRoute({
  method: "post",
  path: "/users/{id}/ban",
  tags: ["admin"],
  summary: "Ban a user: every session is revoked and their API keys stop working (admins)",
  operationId: "banUser",
  security: sessionSecurity,
  middleware: requirePermission({ user: ["ban"] }),
  request: {
    params: idParam("id"),
    body: jsonBody(
      z
        .object({
          reason: z.string().trim().min(1).max(500).optional(),
          expiresInSeconds: z
            .number()
            .int()
            .min(60)
            .max(10 * 365 * 86_400)
            .optional(),
        })
        .strict(),
    ),
  },
  responses: { 200: json(AdminUserSchema, "Banned"), ...pick(400, 401, 403, 404, 409, 413, 429) },
});

const unbanRoute = createRoute({
  method: "post",
  path: "/users/{id}/unban",
  tags: ["admin"],
  summary: "Lift a ban (admins)",
  operationId: "unbanUser",
  security: sessionSecurity,
  middleware: requirePermission({ user: ["ban"] }),
  request: { params: idParam("id") },
  responses: { 200: json(AdminUserSchema, "Unbanned"), ...pick(400, 401, 403, 404, 429) },
});

const actor = (c: Context<AppEnv>) => ({ actorId: assertUser(c.var.principal).userId, headers: c.req.raw.headers });

/** Thin contract over the admin user operations (src/services/admin/users.ts: better-auth's admin plugin, audited). */
export const adminRoutes = createRouter()
  .openapi(listRoute, async (c) => c.json(await listUsers(c.var.deps.db, c.req.valid("query")), 200))
  .openapi(roleRoute, async (c) =>
    c.json(await changeRole(c.var.deps, actor(c), c.req.valid("param").id, c.req.valid("json").role), 200),
  )
  .openapi(banRoute, async (c) =>
    c.json(await banUser(c.var.deps, actor(c), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(unbanRoute, async (c) => c.json(await unbanUser(c.var.deps, actor(c), c.req.valid("param").id), 200));
