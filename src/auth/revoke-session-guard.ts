import { eq } from "drizzle-orm";
import type { Database } from "../db/database";
import { session as sessionTable } from "../db/schema/auth";

/**
 * better-auth's `revoke-session` deletes by token *and* the caller's user id, and answers `{status: true}` even
 * when nothing matched: with another user's token it says "revoked" and does nothing. This tells the caller the
 * truth first: whether `token` names one of their own sessions.
 */
export async function ownsSessionToken(db: Database, userId: string, token: unknown): Promise<boolean> {
  if (typeof token !== "string" || token.length === 0 || token.length > 512) return false;
  const row = await db
    .select({ userId: sessionTable.userId })
    .from(sessionTable)
    .where(eq(sessionTable.token, token))
    .get();
  return row?.userId === userId;
}
