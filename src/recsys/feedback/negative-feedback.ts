import { and, desc, eq, gte, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/database";
import { negativeFeedbackKinds, userItemFeedback, type NegativeFeedbackKind } from "../../db/schema/feedback";
import type { SessionStore } from "../../ports/session-store";

export { negativeFeedbackKinds, type NegativeFeedbackKind };

/** Event types that are negative feedback (the same names in POST /v1/events). */
export const isNegativeKind = (type: string): type is NegativeFeedbackKind =>
  (negativeFeedbackKinds as readonly string[]).includes(type);

export interface NegativeEntry {
  productId: string;
  kind: NegativeFeedbackKind;
  /** Unix ms of the feedback event. */
  createdAt: number;
}

/** Whose feedback: a signed-in user (kept in the database) or an anonymous browser session (SessionStore). */
export interface FeedbackActor {
  userId: string | null;
  sessionId: string | null;
}

/** Most entries an anonymous session keeps (the newest win): bounds the value read on every feed request. */
export const MAX_SESSION_ENTRIES = 500;

/** SessionStore KV key of an anonymous session's feedback (its own namespace, apart from histories). */
export const sessionFeedbackKey = (sessionId: string): string => `negfb:${sessionId}`;

/** Session value: productId -> [kind, createdAt]. Compact: it is read on every recommendation request. */
const SessionValueSchema = z.record(z.string(), z.tuple([z.enum(negativeFeedbackKinds), z.number()]));
type SessionValue = z.infer<typeof SessionValueSchema>;

/**
 * The hot path's read: the user's products as one JSON cell (the libSQL client builds every result cell
 * with defineProperty, which for 50 rows x 3 columns cost more than the query).
 */
// raw SQL: one JSON cell instead of a row per product on every recommendation request, bench:feedback-signals
export const SELECT_USER_NEGATIVE_IDS =
  "SELECT json_group_array(product_id) AS ids FROM user_item_feedback WHERE user_id = ?";

/**
 * Lasting negative feedback ("not interested", "hide", "dislike"): in the `user_item_feedback` table for
 * signed-in users (survives restarts, shared by every process and device), in the SessionStore for an
 * anonymous session's lifetime (its TTL, refreshed by every new feedback). Feedback given anonymously is
 * carried over to the account the first time the same session is seen signed in.
 */
export class NegativeFeedbackStore {
  constructor(
    private readonly db: Database,
    private readonly sessions: SessionStore,
  ) {}

  /** Records feedback (oldest first; a later entry for the same product replaces an earlier one). */
  async record(actor: FeedbackActor, entries: readonly NegativeEntry[]): Promise<void> {
    if (entries.length === 0) return;
    if (actor.userId) {
      const userId = actor.userId;
      // One row per product (the latest entry) per statement; an older event arriving late loses.
      const latest = new Map<string, NegativeEntry>();
      for (const e of entries)
        if ((latest.get(e.productId)?.createdAt ?? -1) <= e.createdAt) latest.set(e.productId, e);
      await this.db
        .insert(userItemFeedback)
        .values([...latest.values()].map((e) => ({ userId, ...e })))
        .onConflictDoUpdate({
          target: [userItemFeedback.userId, userItemFeedback.productId],
          set: { kind: sql`excluded.kind`, createdAt: sql`excluded.created_at` },
          setWhere: gte(sql`excluded.created_at`, userItemFeedback.createdAt),
        });
      return;
    }
    if (!actor.sessionId) throw new Error("negative feedback needs a user or a session");
    const key = sessionFeedbackKey(actor.sessionId);
    const value = await this.readSession(actor.sessionId);
    for (const e of entries) {
      const prev = value[e.productId];
      if (!prev || prev[1] <= e.createdAt) value[e.productId] = [e.kind, e.createdAt];
    }
    await this.sessions.set(key, JSON.stringify(trimNewest(value)), this.sessions.limits.ttlSeconds);
  }

  /**
   * The actor's feedback, newest first. For a signed-in user with a session that still holds anonymous
   * feedback, that feedback is moved to the account first (once: the session's copy is deleted).
   */
  async list(actor: FeedbackActor): Promise<NegativeEntry[]> {
    if (actor.userId) {
      if (actor.sessionId) await this.carryOver(actor.userId, actor.sessionId);
      return this.db
        .select({
          productId: userItemFeedback.productId,
          kind: userItemFeedback.kind,
          createdAt: userItemFeedback.createdAt,
        })
        .from(userItemFeedback)
        .where(eq(userItemFeedback.userId, actor.userId))
        .orderBy(desc(userItemFeedback.createdAt), userItemFeedback.productId);
    }
    if (!actor.sessionId) return [];
    return entriesOf(await this.readSession(actor.sessionId));
  }

  /** Undo: removes the actor's feedback on a product. False when the actor had none (never another's). */
  async remove(actor: FeedbackActor, productId: string): Promise<boolean> {
    if (actor.userId) {
      if (actor.sessionId) await this.carryOver(actor.userId, actor.sessionId);
      const res = await this.db
        .delete(userItemFeedback)
        .where(and(eq(userItemFeedback.userId, actor.userId), eq(userItemFeedback.productId, productId)));
      return res.rowsAffected > 0;
    }
    if (!actor.sessionId) return false;
    const value = await this.readSession(actor.sessionId);
    if (!(productId in value)) return false;
    delete value[productId];
    const key = sessionFeedbackKey(actor.sessionId);
    if (Object.keys(value).length === 0) await this.sessions.del(key);
    else await this.sessions.set(key, JSON.stringify(value), this.sessions.limits.ttlSeconds);
    return true;
  }

  /** An anonymous session's feedback, for the hot path (one SessionStore read). */
  async sessionEntries(sessionId: string): Promise<NegativeEntry[]> {
    return entriesOf(await this.readSession(sessionId));
  }

  /**
   * Moves a session's anonymous feedback to the account (its own rows win) and deletes the session's copy.
   * A no-op read when the session has none, so callers may run it on every signed-in request.
   */
  async carryOver(userId: string, sessionId: string): Promise<number> {
    const entries = await this.sessionEntries(sessionId);
    if (entries.length === 0) return 0;
    await this.db
      .insert(userItemFeedback)
      .values(entries.map((e) => ({ userId, ...e })))
      .onConflictDoNothing();
    await this.sessions.del(sessionFeedbackKey(sessionId));
    return entries.length;
  }

  private async readSession(sessionId: string): Promise<SessionValue> {
    const raw = await this.sessions.get(sessionFeedbackKey(sessionId));
    if (raw === null) return {};
    const parsed = SessionValueSchema.safeParse(JSON.parse(raw));
    // Written only by this class: anything else is a bug worth surfacing, not an empty list.
    if (!parsed.success) throw new Error(`session feedback of ${sessionId} is malformed: ${parsed.error.message}`);
    return parsed.data;
  }
}

function entriesOf(value: SessionValue): NegativeEntry[] {
  return Object.entries(value)
    .map(([productId, [kind, createdAt]]) => ({ productId, kind, createdAt }))
    .sort((a, b) => b.createdAt - a.createdAt || a.productId.localeCompare(b.productId));
}

function trimNewest(value: SessionValue): SessionValue {
  const keys = Object.keys(value);
  if (keys.length <= MAX_SESSION_ENTRIES) return value;
  return Object.fromEntries(
    entriesOf(value)
      .slice(0, MAX_SESSION_ENTRIES)
      .map((e) => [e.productId, [e.kind, e.createdAt]]),
  );
}
