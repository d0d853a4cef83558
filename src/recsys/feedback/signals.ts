import type { Database } from "../../db/database";
import type { SessionStore } from "../../ports/session-store";
import { DEFAULT_IMPRESSION_WINDOW, ShownCounts, type ImpressionWindow, type ShownPage } from "./impressions";
import {
  NegativeFeedbackStore,
  SELECT_USER_NEGATIVE_IDS,
  type FeedbackActor,
  type NegativeEntry,
} from "./negative-feedback";
import type { SqlExecutor } from "../../db/sql-executor";

/** What the recommendation surfaces need to know about a caller's feedback, by product id. */
export interface CallerFeedback {
  /** Products the caller marked not interested, hid or disliked (filtered everywhere). */
  negative: Set<string>;
  /** Products shown at least `minCount` times in the window without a click: product -> times shown. */
  shownWithoutClick: Map<string, number>;
}

/** The port FeedService reads per request and tells about the feed pages it showed. */
export interface FeedbackSignalsPort {
  forCaller(caller: FeedbackActor): Promise<CallerFeedback>;
  /** Feed pages just written to the event log (called off the request path, with the impression flush). */
  recordShown(pages: readonly ShownPage[]): Promise<void>;
}

/**
 * Hot-path read of a caller's feedback, all in parallel: the session's anonymous feedback and the caller's
 * shown counts (one SessionStore read each) and, for a signed-in user, the account's feedback rows (one
 * primary-key range read). Anonymous feedback found in a signed-in request's session is merged in and
 * carried over to the account.
 */
export class FeedbackSignals implements FeedbackSignalsPort {
  readonly store: NegativeFeedbackStore;
  readonly shown: ShownCounts;

  constructor(
    private readonly db: Database,
    sessions: SessionStore,
    now: () => number,
    window: ImpressionWindow = DEFAULT_IMPRESSION_WINDOW,
    /** The hot-path executor for the shown-counts seed (Node: AppDeps.sql); default the app's client. */
    sql?: SqlExecutor,
  ) {
    this.store = new NegativeFeedbackStore(db, sessions);
    this.shown = new ShownCounts(db, sessions, now, window, sql);
  }

  async forCaller(caller: FeedbackActor): Promise<CallerFeedback> {
    const [sessionEntries, userIds, shownWithoutClick] = await Promise.all([
      caller.sessionId ? this.store.sessionEntries(caller.sessionId) : Promise.resolve<NegativeEntry[]>([]),
      caller.userId
        ? this.db.$client
            .execute({ sql: SELECT_USER_NEGATIVE_IDS, args: [caller.userId] })
            .then((r) => JSON.parse(String(r.rows[0].ids)) as string[])
        : Promise.resolve<string[]>([]),
      this.shown.read(caller),
    ]);
    const negative = new Set(userIds);
    for (const e of sessionEntries) negative.add(e.productId);
    if (caller.userId && caller.sessionId && sessionEntries.length > 0)
      await this.store.carryOver(caller.userId, caller.sessionId);
    return { negative, shownWithoutClick };
  }

  recordShown(pages: readonly ShownPage[]): Promise<void> {
    return this.shown.add(pages);
  }
}
