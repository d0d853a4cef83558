import { and, desc, eq, gt } from "drizzle-orm";
import { session } from "../../db/schema/auth";
import type { Queryable } from "../queryable";

export interface SessionView {
  id: string;
  createdAt: Date;
  lastActiveAt: Date | null;
  ipAddress: string | null;
  userAgent: string | null;
}

/** The user's unexpired sessions, most recently active first, without their tokens (the page never sees one). */
export async function listUserSessions(db: Queryable, userId: string, now: number): Promise<SessionView[]> {
  const rows = await db
    .select({
      id: session.id,
      createdAt: session.createdAt,
      lastActiveAt: session.lastActiveAt,
      updatedAt: session.updatedAt,
      ipAddress: session.ipAddress,
      userAgent: session.userAgent,
    })
    .from(session)
    .where(and(eq(session.userId, userId), gt(session.expiresAt, new Date(now))))
    .orderBy(desc(session.updatedAt));
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt,
    lastActiveAt: r.lastActiveAt ?? r.updatedAt,
    ipAddress: r.ipAddress,
    userAgent: r.userAgent,
  }));
}

/** The token of one of the user's own sessions (null for someone else's), so it can be revoked by id. */
export async function ownSessionToken(db: Queryable, userId: string, sessionId: string): Promise<string | null> {
  const row = await db
    .select({ token: session.token })
    .from(session)
    .where(and(eq(session.id, sessionId), eq(session.userId, userId)))
    .get();
  return row?.token ?? null;
}
