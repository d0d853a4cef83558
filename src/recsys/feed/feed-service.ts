import { z } from "zod";
import { InvalidInputError } from "../../domain/errors";
import type { SessionStore } from "../../ports/session-store";
import type { VectorIndex } from "../../ports/vector-index";
import { errorMessage, type Log } from "../../ports/logger";
import { backendDown, type Backend } from "../../ports/backends";
import { encodeFeatures } from "./feature-codec";
import { categoryAffinity, denseSignals, featurize, NUM_FEATURES, sourceMaxima, type FeatureContext } from "./features";
import { mergeSources, SOURCE_INDEX, SOURCES, type Candidate, type SourceName } from "./candidates";
import { allExcluded, filterCandidates, type Exclusions, type FilterReason } from "./filter";
import { leadSource, reasonText } from "./reasons";
import { defaultRanker } from "./rank";
import { DEFAULT_RERANK, rerank } from "./rerank";
import { runWithBudget, type SourceBudget, type SourceOutcome } from "./recall/budget";
import { boughtTogetherSource } from "./recall/bought-together";
import { covisitationSource } from "./recall/covisitation";
import { freshSource } from "./recall/fresh";
import { sessionKnnSource } from "./recall/session-knn";
import { trendingSource } from "./recall/trending";
import type { RecallContext, RecallSource } from "./recall/types";
import { vectorSource } from "./recall/vector";
import type { FeedbackSignalsPort } from "../feedback/signals";
import { demoteUnclicked } from "../feedback/impressions";
import type { History } from "../history";
import type { ServingModels } from "../models/serving-models";
import type { EventLog, EventRecord } from "../../ports/event-log";
import type { ListingState, ListingSummary, MarketplacePort } from "../../ports/marketplace";
import { type Arm, interleave } from "../selection/interleave";
import type { ActiveExperiment } from "../selection/live";
import type { FeedObserver } from "../../ports/metrics";

/** The committed cold-start ranker: what a page is ranked by when the live ranker fails on it. */
const PRIOR_RANKER = defaultRanker();

export const FEED_SOURCES: readonly RecallSource[] = [
  vectorSource,
  covisitationSource,
  sessionKnnSource,
  trendingSource,
  boughtTogetherSource,
  freshSource,
];

/** Per-source budgets: recall is in-memory except the vector index (maybe remote) and fresh listings (DB). */
export const DEFAULT_BUDGETS: Record<SourceName, SourceBudget> = {
  vector: { timeoutMs: 15, count: 100 },
  covisitation: { timeoutMs: 10, count: 100 },
  session_knn: { timeoutMs: 10, count: 100 },
  trending: { timeoutMs: 5, count: 50 },
  bought_together: { timeoutMs: 5, count: 30 },
  fresh: { timeoutMs: 15, count: 30 },
};

export interface FeedDeps {
  sessions: SessionStore;
  vectors: VectorIndex;
  events: EventLog;
  marketplace: MarketplacePort;
  /** Lasting negative feedback and unclicked-impression counts of the caller (src/recsys/feedback/). */
  feedback: FeedbackSignalsPort;
  now: () => number;
  newId: () => string;
  sources?: readonly RecallSource[];
  budgets?: Partial<Record<SourceName, SourceBudget>>;
  /** Lifetime of a feed snapshot (pagination state) in the SessionStore. */
  snapshotTtlSeconds?: number;
  /** Most items a snapshot keeps (pages past it end the feed). */
  snapshotSize?: number;
  impressionFlushMs?: number;
  /** Counts each first page computed on the live models alone: its compute time and whether it failed. */
  liveOutcome?: (models: ServingModels, outcome: { ms: number; error: boolean }) => void;
  /** Failed impression writes are reported here (never thrown to a request). */
  log: Log;
  /** Per candidate list: each recall source's time and failure, then filter, rank and re-rank times (metrics). */
  observe?: FeedObserver;
}

export interface Caller {
  userId: string | null;
  sessionId: string | null;
}

export interface RecItem {
  recommendationId: string;
  productId: string;
  title: string;
  category: string;
  price: number | null;
  averageRating: number | null;
  ratingCount: number;
  listing: ListingSummary | null;
  score: number;
  sources: SourceName[];
  reason: string;
}

export interface SourceReport {
  used: SourceName[];
  failed: { source: SourceName; reason: "timeout" | "error" }[];
  /** Backends that were down: what they hold (session history, feedback, snapshots) was done without. */
  unavailable?: Backend[];
}

/** A list computed without everything it normally uses (a recall source or a backend failed). */
export const isDegraded = (report: SourceReport): boolean =>
  report.failed.length > 0 || (report.unavailable?.length ?? 0) > 0;

const NO_FEEDBACK = { negative: new Set<string>(), shownWithoutClick: new Map<string, number>() };

export interface FeedPage {
  snapshotId: string;
  modelVersion: string;
  items: RecItem[];
  nextCursor: { snapshotId: string; offset: number } | null;
  sources: SourceReport;
  degraded: boolean;
  filtered: Record<FilterReason, number>;
}

/**
 * A feed snapshot, column-wise and without text: product ids, scores, source bitmasks (SOURCES order), lead
 * source index and anchor product id (-1 / "" when none). Reasons are rendered per page from these, so the
 * stored value is about a third of a row-per-item JSON with reason strings (it is written on every first
 * page, and held in memory or Redis for the TTL).
 */
const SnapshotSchema = z
  .object({
    owner: z.string(),
    modelVersion: z.string(),
    sources: z.object({
      used: z.array(z.string()),
      failed: z.array(z.object({ source: z.string(), reason: z.enum(["timeout", "error"]) })),
      unavailable: z.array(z.enum(["session_store", "vector_index"])).optional(),
    }),
    degraded: z.boolean(),
    filtered: z.record(z.string(), z.number()),
    p: z.array(z.string()),
    s: z.array(z.number()),
    m: z.array(z.number().int()),
    l: z.array(z.number().int()),
    a: z.array(z.string()),
    /** Model-selection experiment whose arms were interleaved into this list, and each position's arm (0/1). */
    x: z.string().optional(),
    t: z.array(z.number().int()).optional(),
    /** Encoded ranker features of the first LOGGED_FEATURE_ITEMS items (absent in older snapshots). */
    f: z.array(z.string()).optional(),
    /** Ranker version that scored them (the champion's, in an experiment). */
    r: z.string().optional(),
  })
  .refine((x) => [x.s, x.m, x.l, x.a].every((col) => col.length === x.p.length), "snapshot columns differ in length");
type Snapshot = z.infer<typeof SnapshotSchema>;

/** A feed cursor whose snapshot expired or belongs to someone else: the client starts a new feed. */
export class SnapshotGoneError extends InvalidInputError {
  constructor(message: string) {
    super("invalid_cursor", message);
  }
}

/**
 * Snapshot items whose ranker features are kept (encoded, feature-codec.ts) and logged with their impression:
 * the first three pages, where nearly all impressions are. The learner trains the ranker on them.
 */
const LOGGED_FEATURE_ITEMS = 60;

/** Feed pages whose impressions are written in one transaction (see logImpressions). */
const IMPRESSION_BATCH = 20;

/** Extra snapshot items verified with each page, to fill the places of items sold meanwhile. */
const PAGE_SPARES = 5;

const ownerOf = (c: Caller): string => (c.userId ? `u:${c.userId}` : `s:${c.sessionId ?? "-"}`);

/**
 * The home feed: recall (parallel, budgeted) -> merge/dedupe -> filter -> rank -> re-rank -> snapshot.
 * Page 1 computes and stores the ranked list under a snapshot id (SessionStore KV, TTL); later pages read
 * the same list by offset, so pages never repeat an item even if models or history change meanwhile.
 */
export class FeedService {
  private readonly sources: readonly RecallSource[];
  private readonly budgets: Record<SourceName, SourceBudget>;

  constructor(private readonly d: FeedDeps) {
    this.sources = d.sources ?? FEED_SOURCES;
    this.budgets = { ...DEFAULT_BUDGETS, ...d.budgets };
  }

  /** Recall + filter + rank, shared by the feed and the session/product recommendations. */
  async candidates(
    models: ServingModels,
    caller: Caller,
    history: History,
    sources: readonly RecallSource[],
    extraExclusions: {
      seen?: ReadonlySet<number>;
      historyWeights?: readonly number[];
      /** A history item kept even if the caller gave it negative feedback (the product page's own product). */
      pinned?: number;
    } = {},
  ): Promise<{
    ranked: Candidate[];
    listings: Map<number, ListingSummary>;
    report: SourceReport;
    filtered: Record<FilterReason, number>;
    /** The ranker features of a ranked candidate, as the ranker saw them (for the impression log). */
    features: (c: Candidate) => Float32Array;
  }> {
    const catalog = models.catalog;
    const now = this.d.now();
    const backendsDown = new Set<Backend>(history.unavailable);
    const [marketplaceExcl, feedback] = await Promise.all([
      caller.userId
        ? this.d.marketplace.userExclusions(caller.userId)
        : { own: new Set<string>(), bought: new Set<string>() },
      // Session store down: no session feedback nor shown counts this time (the account's rows need it too).
      this.d.feedback.forCaller(caller).catch((err: unknown) => {
        const down = backendDown(err);
        if (down === null) throw err;
        backendsDown.add(down);
        return NO_FEEDBACK;
      }),
    ]);
    const toIdx = (ids: Set<string>): Set<number> =>
      new Set([...ids].map((id) => catalog.indexOf.get(id)).filter((i): i is number => i !== undefined));
    const negative = new Set([...history.negative, ...toIdx(feedback.negative)]);
    // An item the caller gave negative feedback on is not evidence of interest, even if viewed before: it
    // leaves the history every source and ranker feature reads (weights stay aligned with positions).
    if (negative.size > 0) {
      const keep = history.items.map((i) => !negative.has(i) || i === extraExclusions.pinned);
      const weights = extraExclusions.historyWeights;
      history = { ...history, items: history.items.filter((_, r) => keep[r]), negative };
      if (weights) extraExclusions = { ...extraExclusions, historyWeights: weights.filter((_, r) => keep[r]) };
    }
    const exclusions: Exclusions = {
      seen: extraExclusions.seen ?? new Set(history.items),
      negative,
      bought: new Set([...history.bought, ...toIdx(marketplaceExcl.bought)]),
      own: toIdx(marketplaceExcl.own),
      unavailable: new Set(),
    };
    const affinity = categoryAffinity(catalog, history.items);
    const base: Omit<RecallContext, "signal"> = {
      models,
      vectors: this.d.vectors,
      marketplace: this.d.marketplace,
      history: history.items,
      historyWeights: extraExclusions.historyWeights,
      exclude: allExcluded(exclusions),
      affinity,
      now,
    };
    const outcomes: SourceOutcome[] = await Promise.all(
      sources.map((s) => runWithBudget(s, base, this.budgets[s.name])),
    );
    const report: SourceReport = {
      used: [],
      failed: [],
      ...(backendsDown.size > 0 ? { unavailable: [...backendsDown] } : {}),
    };
    const results = [];
    const observe = this.d.observe;
    for (const o of outcomes) {
      observe?.recallSource(o.source, o.ms / 1000, o.ok ? null : o.reason);
      if (o.ok) {
        report.used.push(o.source);
        results.push(o.result);
      } else report.failed.push({ source: o.source, reason: o.reason });
    }
    const merged = mergeSources(results);
    const ids = merged.map((c) => catalog.ids[c.item]);
    // Cached state for the ~300 candidates; the shown items are re-checked against the DB (verifyShown).
    const mp = this.d.marketplace;
    const filterStart = performance.now();
    const { unavailable, best } = await (mp.cachedListingState
      ? mp.cachedListingState(ids, caller.userId)
      : mp.listingState(ids, caller.userId));
    exclusions.unavailable = toIdx(unavailable);
    const { kept, removed } = filterCandidates(merged, exclusions);
    const rankStart = performance.now();
    observe?.stage("filter", (rankStart - filterStart) / 1000);
    const listings = new Map<number, ListingSummary>();
    for (const [pid, l] of best) {
      const i = catalog.indexOf.get(pid);
      if (i !== undefined) listings.set(i, l);
    }
    // Dense ranker features score every candidate against the same history the sources saw (features.ts).
    const ctx: FeatureContext = {
      catalog,
      popularity: models.popularity,
      listings,
      categoryAffinity: affinity,
      now,
      dense: denseSignals(models, history.items, extraExclusions.historyWeights),
    };
    // Items shown many times without a click lose rank (a logit penalty; feedback/impressions.ts). An item
    // of the history was engaged with (viewed, clicked, ...): never penalised.
    const shown = new Map<number, number>();
    if (feedback.shownWithoutClick.size > 0) {
      const engaged = new Set(history.items);
      for (const [pid, n] of feedback.shownWithoutClick) {
        const i = catalog.indexOf.get(pid);
        if (i !== undefined && !engaged.has(i)) shown.set(i, n);
      }
    }
    const ranked = demoteUnclicked(models.ranker.rank(kept, ctx), shown);
    observe?.stage("rank", (performance.now() - rankStart) / 1000);
    // The impression log keeps each shown item's features as the ranker saw them (before any demotion).
    let maxima: Float32Array | null = null;
    const features = (c: Candidate): Float32Array => {
      maxima ??= sourceMaxima(ranked);
      const x = new Float32Array(NUM_FEATURES);
      featurize(c, ctx, maxima, x);
      return x;
    };
    return { ranked, listings, report, filtered: removed, features };
  }

  /** Authoritative listing state (DB) of items about to be shown. */
  listingStateOf(productIds: readonly string[], userId: string | null): Promise<ListingState> {
    return this.d.marketplace.listingState(productIds, userId);
  }

  /** Recall, filter, rank and re-rank with one model set: the list a first page is cut from. */
  private async rankedList(models: ServingModels, caller: Caller, history: History) {
    const { ranked, listings, report, filtered, features } = await this.candidates(
      models,
      caller,
      history,
      this.sources,
    );
    const t0 = performance.now();
    const reranked = rerank(ranked, models.catalog, models.vectors, listings, { ...DEFAULT_RERANK, now: this.d.now() });
    this.d.observe?.stage("rerank", (performance.now() - t0) / 1000);
    return { reranked, report, filtered, features };
  }

  /**
   * Both arms of a running experiment, interleaved (selection/interleave.ts): each arm's list is computed,
   * timed and counted; an arm that fails is counted as an error and the page is served from the other arm
   * alone, outside the experiment (an interleaved list is only credited when both arms produced one).
   */
  private async experimentList(experiment: ActiveExperiment, caller: Caller, history: History, random: () => number) {
    const run = async (arm: Arm, models: ServingModels) => {
      const t0 = performance.now();
      try {
        const list = await this.rankedList(models, caller, history);
        experiment.record(arm, { ms: performance.now() - t0, error: false });
        return list;
      } catch (err) {
        experiment.record(arm, { ms: performance.now() - t0, error: true });
        return err instanceof Error ? err : new Error(String(err));
      }
    };
    const a = await run("champion", experiment.champion);
    const b = await run("challenger", experiment.challenger);
    if (a instanceof Error && b instanceof Error) throw a;
    if (a instanceof Error) return { list: b as Exclude<typeof b, Error>, models: experiment.challenger, arms: null };
    if (b instanceof Error) return { list: a, models: experiment.champion, arms: null };
    const size = this.d.snapshotSize ?? 200;
    const mixed = interleave(a.reranked, b.reranked, (c) => c.item, experiment.share, random, size);
    // Each item's logged features come from the arm (models) that ranked it.
    const fromB = new Set(b.reranked);
    const features = (c: Candidate): Float32Array => (fromB.has(c) ? b.features(c) : a.features(c));
    return { list: { ...a, reranked: mixed.items, features }, models: experiment.champion, arms: mixed.arms };
  }

  /**
   * First page: computes and stores a snapshot. With a running experiment, the list interleaves the
   * champion's and the challenger's rankings and the snapshot remembers each position's arm.
   */
  async firstPage(
    liveModels: ServingModels,
    caller: Caller,
    history: History,
    limit: number,
    experiment: ActiveExperiment | null = null,
    random: () => number = Math.random,
  ): Promise<FeedPage> {
    let models = liveModels;
    let arms: Arm[] | null = null;
    let list: Awaited<ReturnType<FeedService["rankedList"]>>;
    let rankerFellBack = false;
    if (experiment) {
      const mixed = await this.experimentList(experiment, caller, history, random);
      models = mixed.models;
      arms = mixed.arms;
      list = mixed.list;
    } else {
      const t0 = performance.now();
      try {
        list = await this.rankedList(models, caller, history);
        this.d.liveOutcome?.(models, { ms: performance.now() - t0, error: false });
      } catch (err) {
        // Counted against the live set (selection rolls back the version that moved last when the set
        // fails), and the shopper still gets a page: ranked by the cold-start prior, marked degraded.
        this.d.liveOutcome?.(models, { ms: performance.now() - t0, error: true });
        if (models.ranker.version === PRIOR_RANKER.version) throw err;
        this.d.log("feed: live ranking failed; this page is ranked by the cold-start prior", {
          level: "warn",
          ranker: models.ranker.version,
          error: errorMessage(err),
        });
        models = { ...models, ranker: PRIOR_RANKER };
        list = await this.rankedList(models, caller, history);
        rankerFellBack = true;
      }
    }
    const { reranked, report, filtered, features } = list;
    const snapshotId = this.d.newId();
    const snap: Snapshot = {
      owner: ownerOf(caller),
      modelVersion: models.version,
      sources: report,
      degraded: isDegraded(report) || rankerFellBack,
      filtered,
      p: [],
      s: [],
      m: [],
      l: [],
      a: [],
      ...(experiment && arms ? { x: experiment.id, t: arms.map((a) => (a === "challenger" ? 1 : 0)) } : {}),
      f: [],
      r: models.ranker.version,
    };
    for (const c of reranked.slice(0, this.d.snapshotSize ?? 200)) {
      if (snap.p.length < LOGGED_FEATURE_ITEMS) snap.f?.push(encodeFeatures(features(c)));
      let mask = 0;
      for (let k = 0; k < SOURCES.length; k++) if (c.ranks[k] >= 0) mask |= 1 << k;
      const lead = leadSource(c);
      snap.p.push(models.catalog.ids[c.item]);
      snap.s.push(Math.round(c.score * 1e4) / 1e4);
      snap.m.push(mask);
      snap.l.push(lead === null ? -1 : SOURCE_INDEX[lead]);
      snap.a.push(c.anchor >= 0 ? models.catalog.ids[c.anchor] : "");
    }
    try {
      await this.d.sessions.set(`feed:${snapshotId}`, JSON.stringify(snap), this.d.snapshotTtlSeconds ?? 900);
    } catch (err) {
      // Session store down: this page is served, but there is nowhere to keep the list for the next one.
      const down = backendDown(err);
      if (down === null) throw err;
      snap.degraded = true;
      snap.sources = { ...snap.sources, unavailable: [...new Set([...(snap.sources.unavailable ?? []), down])] };
      const page = await this.render(models, caller, snapshotId, snap, 0, limit);
      return { ...page, nextCursor: null };
    }
    return this.render(models, caller, snapshotId, snap, 0, limit);
  }

  /** A later page of an existing snapshot. Throws SnapshotGoneError for an expired or foreign one. */
  async nextPage(
    models: ServingModels,
    caller: Caller,
    snapshotId: string,
    offset: number,
    limit: number,
  ): Promise<FeedPage> {
    const raw = await this.d.sessions.get(`feed:${snapshotId}`);
    if (raw === null)
      throw new SnapshotGoneError("feed snapshot expired or unknown; request the feed again without a cursor");
    const parsed = SnapshotSchema.safeParse(JSON.parse(raw));
    if (!parsed.success || parsed.data.owner !== ownerOf(caller))
      throw new SnapshotGoneError("cursor does not belong to this caller");
    return this.render(models, caller, snapshotId, parsed.data, offset, limit);
  }

  private async render(
    models: ServingModels,
    caller: Caller,
    snapshotId: string,
    snap: Snapshot,
    offset: number,
    limit: number,
  ): Promise<FeedPage> {
    const catalog = models.catalog;
    // A few spares: an item sold since the snapshot (or since the cache refresh) is dropped and replaced.
    const slice = snap.p.slice(offset, offset + limit + PAGE_SPARES);
    // Authoritative for what is shown: candidates were filtered on cached listing state, and listings change
    // between pages, so every page re-checks availability and picks the current best listing in the DB.
    const { unavailable, best } = await this.d.marketplace.listingState(slice, caller.userId);
    const items: RecItem[] = [];
    const shownArms: Arm[] = [];
    const shownAt: number[] = [];
    let consumed = 0;
    let dropped = 0;
    for (const pid of slice) {
      if (items.length === limit) break;
      const at = offset + consumed++;
      const i = catalog.indexOf.get(pid);
      if (i === undefined) continue;
      if (unavailable.has(pid)) {
        dropped++;
        continue;
      }
      const price = catalog.price[i];
      const rating = catalog.rating[i];
      const lead = snap.l[at];
      if (snap.t) {
        shownArms.push(snap.t[at] === 1 ? "challenger" : "champion");
        shownAt.push(at);
      }
      const anchor = snap.a[at] ? (catalog.indexOf.get(snap.a[at]) ?? -1) : -1;
      items.push({
        recommendationId: `${snapshotId}.${at}`,
        productId: pid,
        title: catalog.titles[i],
        category: catalog.categoryName(i),
        price: Number.isNaN(price) ? null : price,
        averageRating: Number.isNaN(rating) ? null : rating,
        ratingCount: catalog.ratingCount[i],
        listing: best.get(pid) ?? null,
        score: snap.s[at],
        sources: SOURCES.filter((_, k) => (snap.m[at] & (1 << k)) !== 0),
        reason: reasonText(lead >= 0 ? SOURCES[lead] : null, anchor, i, catalog),
      });
    }
    const end = offset + consumed;
    const filtered = { ...(snap.filtered as Record<FilterReason, number>) };
    filtered.unavailable = (filtered.unavailable ?? 0) + dropped;
    const page: FeedPage = {
      snapshotId,
      modelVersion: snap.modelVersion,
      items,
      nextCursor: end < snap.p.length ? { snapshotId, offset: end } : null,
      sources: snap.sources as SourceReport,
      degraded: snap.degraded,
      filtered,
    };
    await this.logImpressions(
      caller,
      page,
      offset,
      snap.x && snap.t ? { experiment: snap.x, arms: shownArms, positions: shownAt } : null,
      snap,
    );
    return page;
  }

  private pendingImpressions: EventRecord[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Impressions are buffered and written in one batch (every 100 ms or 20 pages): a write transaction per
   * feed request costs more than the whole ranking, and losing a few impressions on a crash is acceptable.
   * Batches stay small because the embedded engine writes synchronously: a 100-page batch held the event
   * loop ~5-10 ms, which every request queued behind it paid (a p99 cost at 500 req/s), 20 pages ~1-2 ms.
   */
  private async logImpressions(
    caller: Caller,
    page: FeedPage,
    offset: number,
    experiment: { experiment: string; arms: Arm[]; positions: number[] } | null,
    snap: Snapshot,
  ): Promise<void> {
    if (page.items.length === 0) return;
    // Each item's snapshot position (its recommendationId's suffix) finds the features it was ranked with.
    const at = page.items.map((i) => Number(i.recommendationId.slice(i.recommendationId.lastIndexOf(".") + 1)));
    this.pendingImpressions.push({
      clientEventId: `imp:${page.snapshotId}:${offset}`,
      type: "impression",
      itemId: null,
      listingId: null,
      userId: caller.userId,
      sessionId: caller.sessionId,
      ts: this.d.now(),
      context: {
        surface: "home_feed",
        snapshotId: page.snapshotId,
        modelVersion: page.modelVersion,
        offset,
        items: page.items.map((i) => i.productId),
        // Per shown item (same order as `items`): the arm that put it there; the selection cycle credits it.
        ...(experiment ?? {}),
        // Per shown item: the ranker features serving scored it with (the learner trains the ranker on them).
        ...(snap.f && snap.r ? { ranker: snap.r, features: at.map((p) => snap.f?.[p] ?? "") } : {}),
      },
    });
    if (this.pendingImpressions.length >= IMPRESSION_BATCH) await this.flushImpressions();
    else this.flushTimer ??= setTimeout(() => void this.flushImpressions(), this.d.impressionFlushMs ?? 100);
  }

  /** Writes buffered impressions now (tests, shutdown). Failures are logged, never thrown to a request. */
  async flushImpressions(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.pendingImpressions.splice(0);
    if (batch.length === 0) return;
    const fail = (msg: string, err: unknown): void =>
      this.d.log(msg, { level: "error", count: batch.length, error: errorMessage(err) });
    try {
      await this.d.events.append(batch);
    } catch (err) {
      return fail("impression log write failed", err);
    }
    // After the log write: a caller's first count is seeded from the log, which then holds these pages.
    try {
      await this.d.feedback.recordShown(
        batch.map((e) => ({
          userId: e.userId,
          sessionId: e.sessionId,
          ts: e.ts,
          items: (e.context?.items as string[] | undefined) ?? [],
        })),
      );
    } catch (err) {
      // The session store down is logged once by its circuit breaker (src/adapters/select.ts), not per flush.
      if (backendDown(err)) this.d.log("shown-count update skipped: session store down", { level: "debug" });
      else fail("shown-count update failed", err);
    }
  }
}
