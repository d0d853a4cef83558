import type { SessionEvent, SessionStore } from "../ports/session-store";
import type { ItemCatalog } from "./catalog";
import { backendDown, type Backend } from "../ports/backends";

/** SessionStore ids: a browser session as sent (rc_sid), a signed-in user's cross-device stream prefixed. */
export const userStreamId = (userId: string): string => `user:${userId}`;

/** A request's interaction context on catalog indices, newest first. */
export interface History {
  /** Positive interactions (view, click, cart, favorite, purchase), deduplicated, newest first. */
  items: number[];
  /** Negative feedback (filled by FeedService.candidates from the feedback store; empty from gatherHistory). */
  negative: Set<number>;
  bought: Set<number>;
  /** Whether anything was known about the caller (drives "anonymous cold start"). */
  personalised: boolean;
  /** Backends that could not be read: the history lacks what they hold (the response says `degraded`). */
  unavailable?: Backend[];
}

/**
 * Merges the live session, the user's stream and the user's long-term history (training data + folded
 * events) into one history. Live events win on order; unknown item ids are ignored.
 */
export async function gatherHistory(
  sessions: SessionStore,
  catalog: ItemCatalog,
  who: { userId: string | null; sessionId: string | null },
  longTerm: readonly number[],
): Promise<History> {
  let unavailable: Backend[] | undefined;
  // The session store down: the long-term history alone (a less personal, degraded answer, not a failure).
  const read = (id: string): Promise<SessionEvent[]> =>
    sessions.recent(id, 50).catch((err: unknown) => {
      const down = backendDown(err);
      if (down === null) throw err;
      unavailable = [down];
      return [];
    });
  const [sessionEvents, userEvents] = await Promise.all([
    who.sessionId ? read(who.sessionId) : Promise.resolve<SessionEvent[]>([]),
    who.userId ? read(userStreamId(who.userId)) : Promise.resolve<SessionEvent[]>([]),
  ]);
  const live = [...sessionEvents, ...userEvents].sort((a, b) => b.ts - a.ts);
  const items: number[] = [];
  const seen = new Set<number>();
  const negative = new Set<number>();
  const bought = new Set<number>();
  for (const e of live) {
    const i = catalog.indexOf.get(e.itemId);
    if (i === undefined) continue;
    // Negative feedback is read from its own store (src/recsys/feedback/), where undo removes it; the
    // session's copy of the event is neither interest nor, once undone, disinterest.
    if (e.type === "not_interested") continue;
    if (e.type === "purchase") bought.add(i);
    if (!seen.has(i)) {
      seen.add(i);
      items.push(i);
    }
  }
  for (const i of longTerm) {
    if (!seen.has(i)) {
      seen.add(i);
      items.push(i);
    }
  }
  return { items, negative, bought, personalised: items.length > 0, ...(unavailable ? { unavailable } : {}) };
}
