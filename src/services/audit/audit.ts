import { and, desc, eq } from "drizzle-orm";
import { auditLog } from "../../db/schema/seller";
import type { Queryable } from "../queryable";

export type AuditTarget = (typeof auditLog.$inferInsert)["targetType"];

export interface AuditEntry {
  actorId: string | null;
  action: string;
  targetType: AuditTarget;
  targetId: string;
  details?: Record<string, unknown>;
}

/** The insert of one audit row, for callers that batch it with the change it records (same transaction). */
export const auditInsert = (db: Queryable, e: AuditEntry, at: number, id: string) =>
  db.insert(auditLog).values({ id, at, ...e, details: e.details ?? null });

export async function audit(db: Queryable, e: AuditEntry, at: number, id: string): Promise<void> {
  await auditInsert(db, e, at, id);
}

export interface AuditView {
  id: string;
  at: string;
  actorId: string | null;
  action: string;
  targetType: AuditTarget;
  targetId: string;
  details: Record<string, unknown> | null;
}

/** The newest entries about one target (a user's role history, a listing's moderation). */
export async function auditTrail(
  db: Queryable,
  targetType: AuditTarget,
  targetId: string,
  limit = 50,
): Promise<AuditView[]> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.targetType, targetType), eq(auditLog.targetId, targetId)))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
}
