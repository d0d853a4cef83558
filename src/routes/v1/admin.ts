import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, lt, or, type SQL, sql } from "drizzle-orm";
import type { Context } from "hono";
import { fromAuthError } from "../../auth/errors";
import { roleNames } from "../../auth/permissions";
import type { AppEnv } from "../../context";
import { user as userTable } from "../../db/schema/auth";
import { decodeCursor, encodeCursor } from "../../domain/cursor";
import { assertUser, requirePermission } from "../../http/middleware/require";
import { createRouter } from "../../http/openapi";
import { idParam, json, jsonBody, pick, sessionSecurity } from "./marketplace-schemas";
import { ConflictError, notFound } from "../../domain/errors";

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

type UserRow = typeof userTable.$inferSelect;
const toAdminUser = (u: UserRow): z.infer<typeof AdminUserSchema> => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: Role.safeParse(u.role).data ?? "buyer",
  banned: u.banned === true,
  banReason: u.banReason ?? null,
  banExpires: u.banExpires ? u.banExpires.toISOString() : null,
  createdAt: u.createdAt.toISOString(),
});

const ListQuery = z.object({
  role: Role.optional(),
  q: z.string().trim().min(1).max(200).optional().openapi({ description: "Email or name contains" }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(500).optional(),
});
const CursorSchema = z.object({ t: z.number(), id: z.string() });

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

async function loadUser(c: Context<AppEnv>, id: string): Promise<UserRow> {
  const u = await c.var.deps.db.select().from(userTable).where(eq(userTable.id, id)).get();
  if (!u) throw notFound("user");
  return u;
}

/** An admin cannot demote or ban themselves: that is how the last admin locks everyone out. */
function notSelf(c: Context<AppEnv>, id: string) {
  if (assertUser(c.var.principal).userId === id)
    throw new ConflictError("cannot_modify_self", "admins cannot change their own role or ban themselves");
}

/** Thin contract over better-auth's admin plugin (which also revokes sessions on ban). */
export const adminRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const conds: SQL[] = [];
    if (q.role) conds.push(eq(userTable.role, q.role));
    if (q.q) {
      const pattern = `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      // SQLite's LIKE has no escape character unless named: without ESCAPE, `\_` never matches `_`.
      const likeEscaped = (col: typeof userTable.email | typeof userTable.name) =>
        sql`${col} LIKE ${pattern} ESCAPE '\\'`;
      conds.push(or(likeEscaped(userTable.email), likeEscaped(userTable.name))!);
    }
    if (q.cursor) {
      const cur = decodeCursor(q.cursor, CursorSchema);
      conds.push(
        or(
          lt(userTable.createdAt, new Date(cur.t)),
          and(eq(userTable.createdAt, new Date(cur.t)), lt(userTable.id, cur.id)),
        )!,
      );
    }
    const rows = await c.var.deps.db
      .select()
      .from(userTable)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(desc(userTable.createdAt), desc(userTable.id))
      .limit(q.limit + 1);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > q.limit && last ? encodeCursor({ t: last.createdAt.getTime(), id: last.id }) : null;
    return c.json({ items: page.map(toAdminUser), nextCursor }, 200);
  })
  .openapi(roleRoute, async (c) => {
    const { id } = c.req.valid("param");
    notSelf(c, id);
    await loadUser(c, id);
    try {
      await c.var.deps.auth.api.setRole({
        body: { userId: id, role: c.req.valid("json").role },
        headers: c.req.raw.headers,
      });
    } catch (err) {
      throw fromAuthError(err);
    }
    return c.json(toAdminUser(await loadUser(c, id)), 200);
  })
  .openapi(banRoute, async (c) => {
    const { id } = c.req.valid("param");
    notSelf(c, id);
    await loadUser(c, id);
    const body = c.req.valid("json");
    try {
      await c.var.deps.auth.api.banUser({
        body: { userId: id, banReason: body.reason, banExpiresIn: body.expiresInSeconds },
        headers: c.req.raw.headers,
      });
    } catch (err) {
      throw fromAuthError(err);
    }
    return c.json(toAdminUser(await loadUser(c, id)), 200);
  })
  .openapi(unbanRoute, async (c) => {
    const { id } = c.req.valid("param");
    await loadUser(c, id);
    try {
      await c.var.deps.auth.api.unbanUser({ body: { userId: id }, headers: c.req.raw.headers });
    } catch (err) {
      throw fromAuthError(err);
    }
    return c.json(toAdminUser(await loadUser(c, id)), 200);
  });
