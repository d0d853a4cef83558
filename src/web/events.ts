import type { Context } from "hono";
import type { AppEnv } from "../context";
import type { EventType } from "../ports/event-log";
import { errorMessage } from "../ports/logger";
import { ingestEvents } from "../recsys/events/ingest";
import { pageUser } from "./page-auth";

export interface PageEvent {
  type: EventType;
  itemId?: string;
  listingId?: string;
  /** Where it happened and, for recommendation clicks, the recommendation id and position. */
  context?: Record<string, unknown>;
}

/**
 * Sends what a page saw or did into the same pipeline as POST /v1/events (ingestEvents: event log, session
 * history, negative feedback), in-process. Signed in or not, the rc_sid anonymous session groups the events,
 * so browsing drives session recommendations and the feed before and after sign-in. Never fails the page:
 * a rejected or failed event is logged.
 */
export async function trackPageEvents(c: Context<AppEnv>, events: PageEvent[]): Promise<void> {
  if (events.length === 0) return;
  const { deps } = c.var;
  const user = pageUser(c);
  try {
    const result = await ingestEvents(
      {
        db: deps.db,
        events: deps.recsys.o.events,
        sessions: deps.sessions,
        marketplace: deps.recsys.o.marketplace,
        now: deps.clock(),
        sql: deps.sql,
      },
      { userId: user?.userId ?? null, sessionId: c.var.anonId ?? null },
      events.map((e) => ({
        id: `web.${crypto.randomUUID()}`,
        type: e.type,
        ...(e.itemId ? { item_id: e.itemId } : {}),
        ...(e.listingId ? { listing_id: e.listingId } : {}),
        context: { surface: "web", ...e.context },
      })),
    );
    if (result.rejected.length > 0)
      deps.logger.warn("page events rejected", { rejected: result.rejected.map((r) => `${r.code}: ${r.message}`) });
  } catch (err) {
    deps.logger.error("page events failed", { error: errorMessage(err) });
  }
}

/** A recommendation click carried on the link (`?rec=<recommendationId>&pos=<n>&from=<surface>`), if any. */
export function recommendationClick(c: Context<AppEnv>, itemId: string): PageEvent | null {
  const rec = c.req.query("rec");
  if (!rec || !/^[A-Za-z0-9_.:-]{1,120}$/.test(rec)) return null;
  const pos = Number(c.req.query("pos"));
  const from = c.req.query("from");
  return {
    type: "click",
    itemId,
    context: {
      recommendationId: rec,
      ...(Number.isInteger(pos) && pos >= 0 ? { position: pos } : {}),
      ...(from && /^[a-z_]{1,30}$/.test(from) ? { from } : {}),
    },
  };
}
