import type { Database } from "../../db/database";
import type { SessionStore } from "../../ports/session-store";
import { DEFAULT_IMPRESSION_WINDOW, shownWithoutClickStatement, type ImpressionWindow } from "./impressions";
import { NegativeFeedbackStore, SELECT_USER_FEEDBACK, type FeedbackActor, type NegativeEntry } from "./negative-feedback";

/** What the recommendation surfaces need to know about a caller's feedback, by product id. */
export interface CallerFeedback {
  /** Products the caller marked not interested, hid or disliked (filtered everywhere). */
  negative: Set<string>;
  /** Products shown at least `minCount` times in the window without an engagement: product -> times shown. */
  shownWithoutClick: Map<string, number>;
}

/** The port FeedService reads per request (src/recsys/feed/feed-service.ts). */
export interface FeedbackSignalsPort {
  forCaller(caller: FeedbackActor): Promise<CallerFeedback>;
}

/**
 * Hot-path read of a caller's feedback: the session's anonymous feedback (one SessionStore read) and, in
 * parallel, one database round trip for the account's feedback rows (primary-key range) and the
 * unclicked-impression counts (events index range). Anonymous feedback found in a signed-in request's
 * session is merged in and carried over to the account.
 */
export class FeedbackSignals implements FeedbackSignalsPort {
  readonly store: NegativeFeedbackStore;

  constructor(
    private readonly db: Database,
    sessions: SessionStore,
    private readonly now: () => number,
    private readonly window: ImpressionWindow = DEFAULT_IMPRESSION_WINDOW,
  ) {
    this.store = new NegativeFeedbackStore(db, sessions);
  }

  async forCaller(caller: FeedbackActor): Promise<CallerFeedback> {
    const shownStmt = shownWithoutClickStatement(caller, this.now(), this.window);
    const stmts = [
      ...(caller.userId ? [{ sql: SELECT_USER_FEEDBACK, args: [caller.userId] }] : []),
      ...(shownStmt ? [shownStmt] : []),
    ];
    const [sessionEntries, results] = await Promise.all([
      caller.sessionId ? this.store.sessionEntries(caller.sessionId) : Promise.resolve<NegativeEntry[]>([]),
      stmts.length === 0
        ? Promise.resolve([])
        : stmts.length === 1
          ? this.db.$client.execute(stmts[0]).then((r) => [r])
          : this.db.$client.batch(stmts, "read"),
    ]);
    const negative = new Set(sessionEntries.map((e) => e.productId));
    const userRows = caller.userId ? results[0].rows : [];
    for (const r of userRows) negative.add(String(r.product_id));
    const shownRows = shownStmt ? results[results.length - 1].rows : [];
    const shownWithoutClick = new Map<string, number>();
    for (const r of shownRows) shownWithoutClick.set(String(r.product_id), Number(r.shown));
    if (caller.userId && caller.sessionId && sessionEntries.length > 0)
      await this.store.carryOver(caller.userId, caller.sessionId);
    return { negative, shownWithoutClick };
  }
}
