import { eq } from "drizzle-orm";
import type { Config } from "../config";
import type { Database } from "../db/database";
import { session as sessionTable } from "../db/schema/auth";

/** True when the request carries a session credential (better-auth cookie or bearer token), valid or not. */
export function presentsSession(headers: Headers): boolean {
  const auth = headers.get("authorization");
  if (auth && /^bearer\s+\S+/i.test(auth)) return true;
  return (headers.get("cookie") ?? "").includes("session_token");
}

/** Write lastActiveAt at most this often: one write per minute of activity, not per request. */
const TOUCH_EVERY_MS = 60_000;

interface SessionTimes {
  id: string;
  lastActiveAt?: Date | null;
  updatedAt: Date;
}

/**
 * Idle timeout, which better-auth does not have (it knows absolute expiry and a sliding refresh only):
 * a session unused for longer than SESSION_IDLE_TIMEOUT_MINUTES is deleted and refused; otherwise its
 * lastActiveAt moves forward. Uses Date.now() like better-auth, so both agree on what "now" is.
 */
export async function enforceIdleTimeout(db: Database, config: Config, s: SessionTimes): Promise<"active" | "idle"> {
  const now = Date.now();
  const last = (s.lastActiveAt ?? s.updatedAt).getTime();
  if (now - last > config.SESSION_IDLE_TIMEOUT_MINUTES * 60_000) {
    await db.delete(sessionTable).where(eq(sessionTable.id, s.id));
    return "idle";
  }
  if (now - last > TOUCH_EVERY_MS) {
    await db
      .update(sessionTable)
      .set({ lastActiveAt: new Date(now) })
      .where(eq(sessionTable.id, s.id));
  }
  return "active";
}
