import { sql } from "drizzle-orm";
import type { Database } from "../db/database";
import { rateLimit } from "../db/schema/auth";

export interface LimitDecision {
  allowed: boolean;
  /** Seconds until the window that refused this attempt ends (0 when allowed). */
  retryAfterSeconds: number;
}

/**
 * A fixed-window counter in better-auth's `rate_limit` table, for keys better-auth does not know (the
 * account being signed in to). One atomic upsert: a new window restarts at 1, otherwise count + 1; the
 * attempt is allowed while the count stays within `max`. Keys are prefixed so they never collide with
 * better-auth's `ip|path` keys.
 */
export async function consumeLimit(
  db: Database,
  key: string,
  rule: { max: number; windowSeconds: number },
  now = Date.now(),
): Promise<LimitDecision> {
  const windowStart = now - rule.windowSeconds * 1000;
  const row = await db
    .insert(rateLimit)
    .values({ id: crypto.randomUUID(), key, count: 1, lastRequest: now })
    .onConflictDoUpdate({
      target: rateLimit.key,
      set: {
        count: sql`case when ${rateLimit.lastRequest} <= ${windowStart} then 1 else ${rateLimit.count} + 1 end`,
        lastRequest: sql`case when ${rateLimit.lastRequest} <= ${windowStart} then ${now} else ${rateLimit.lastRequest} end`,
      },
    })
    .returning({ count: rateLimit.count, lastRequest: rateLimit.lastRequest })
    .get();
  if (row.count <= rule.max) return { allowed: true, retryAfterSeconds: 0 };
  return {
    allowed: false,
    retryAfterSeconds: Math.max(1, Math.ceil((row.lastRequest + rule.windowSeconds * 1000 - now) / 1000)),
  };
}

/** The per-account sign-in bucket: by normalised email, whatever IP the attempts come from. */
export const signInAccountKey = (email: string) => `account:sign-in|${email.trim().toLowerCase()}`;
