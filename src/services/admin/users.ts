import { and, desc, eq, lt, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { Auth } from "../../auth/auth";
import { fromAuthError } from "../../auth/errors";
import { isRoleName, type RoleName } from "../../auth/permissions";
import type { Clock, IdGenerator } from "../../context";
import type { Database } from "../../db/database";
import { user as userTable } from "../../db/schema/auth";
import { decodeCursor, encodeCursor } from "../../domain/cursor";
import { ConflictError, notFound } from "../../domain/errors";
import { audit } from "../audit/audit";

/**
 * Admin operations on users, shared by the API (/v1/admin/users) and the admin pages. Roles, bans and sessions
 * go through better-auth's admin plugin (server-side calls with the admin's own request headers, so the plugin
 * checks the caller's permission too); its HTTP routes for these writes are closed (src/routes/auth.ts). Every
 * write leaves an audit row.
 */
export interface AdminDeps {
  db: Database;
  auth: Auth;
  clock: Clock;
  newId: IdGenerator;
}

export interface AdminUserView {
  id: string;
  email: string;
  name: string;
  role: RoleName;
  banned: boolean;
  banReason: string | null;
  banExpires: string | null;
  createdAt: string;
}

type UserRow = typeof userTable.$inferSelect;
export const toAdminUser = (u: UserRow): AdminUserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: isRoleName(u.role) ? u.role : "buyer",
  banned: u.banned === true,
  banReason: u.banReason ?? null,
  banExpires: u.banExpires ? u.banExpires.toISOString() : null,
  createdAt: u.createdAt.toISOString(),
});

const CursorSchema = z.object({ t: z.number(), id: z.string() });

export async function listUsers(
  db: Database,
  q: { role?: RoleName; q?: string; limit: number; cursor?: string },
): Promise<{ items: AdminUserView[]; nextCursor: string | null }> {
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
  const rows = await db
    .select()
    .from(userTable)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(userTable.createdAt), desc(userTable.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > q.limit && last ? encodeCursor({ t: last.createdAt.getTime(), id: last.id }) : null;
  return { items: page.map(toAdminUser), nextCursor };
}

async function loadUser(db: Database, id: string): Promise<UserRow> {
  const u = await db.select().from(userTable).where(eq(userTable.id, id)).get();
  if (!u) throw notFound("user");
  return u;
}

/** An admin cannot demote or ban themselves: that is how the last admin locks everyone out. */
function notSelf(actorId: string, id: string) {
  if (actorId === id)
    throw new ConflictError("cannot_modify_self", "admins cannot change their own role or ban themselves");
}

const record = (deps: AdminDeps, actorId: string, id: string, action: string, details: Record<string, unknown>) =>
  audit(deps.db, { actorId, action, targetType: "user", targetId: id, details }, deps.clock(), deps.newId());

export async function changeRole(
  deps: AdminDeps,
  a: { actorId: string; headers: Headers },
  id: string,
  role: RoleName,
): Promise<AdminUserView> {
  notSelf(a.actorId, id);
  const before = await loadUser(deps.db, id);
  try {
    await deps.auth.api.setRole({ body: { userId: id, role }, headers: a.headers });
  } catch (err) {
    throw fromAuthError(err);
  }
  if (before.role !== role)
    await record(deps, a.actorId, id, "user.role_changed", { from: before.role ?? "buyer", to: role });
  return toAdminUser(await loadUser(deps.db, id));
}

export async function banUser(
  deps: AdminDeps,
  a: { actorId: string; headers: Headers },
  id: string,
  opts: { reason?: string; expiresInSeconds?: number },
): Promise<AdminUserView> {
  notSelf(a.actorId, id);
  await loadUser(deps.db, id);
  try {
    await deps.auth.api.banUser({
      body: { userId: id, banReason: opts.reason, banExpiresIn: opts.expiresInSeconds },
      headers: a.headers,
    });
  } catch (err) {
    throw fromAuthError(err);
  }
  await record(deps, a.actorId, id, "user.banned", {
    reason: opts.reason ?? null,
    expiresInSeconds: opts.expiresInSeconds ?? null,
  });
  return toAdminUser(await loadUser(deps.db, id));
}

export async function unbanUser(
  deps: AdminDeps,
  a: { actorId: string; headers: Headers },
  id: string,
): Promise<AdminUserView> {
  await loadUser(deps.db, id);
  try {
    await deps.auth.api.unbanUser({ body: { userId: id }, headers: a.headers });
  } catch (err) {
    throw fromAuthError(err);
  }
  await record(deps, a.actorId, id, "user.unbanned", {});
  return toAdminUser(await loadUser(deps.db, id));
}
