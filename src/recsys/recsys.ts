import type { SessionStore } from "../ports/session-store";
import type { VectorIndex } from "../ports/vector-index";
import type { Database } from "../db/database";
import { UnavailableError } from "../domain/errors";
import { FeedService, type FeedDeps } from "./feed/feed-service";
import type { FeedbackSignalsPort } from "./feedback/signals";
import { gatherHistory, type History } from "./history";
import { bootstrapModels, publishVectors, REGISTRY_MODELS, type Bootstrapped, type Log } from "./models/bootstrap";
import type { ServingModels } from "./models/serving-models";
import { POSITIVE_TYPES } from "./models/train-data";
import type { ModelRegistry } from "../ports/model-registry";
import type { EventLog } from "../ports/event-log";
import type { MarketplacePort } from "../ports/marketplace";
import { type ActiveExperiment, ExperimentRouter } from "./selection/live";
import { SelectionStore } from "./selection/store";
import { loadVariant } from "./selection/variant";

export interface RecsysOptions {
  sessions: SessionStore;
  vectors: VectorIndex;
  events: EventLog;
  marketplace: MarketplacePort;
  registry: ModelRegistry;
  /** Lasting negative feedback and unclicked-impression counts (src/recsys/feedback/signals.ts). */
  feedback: FeedbackSignalsPort;
  now: () => number;
  newId: () => string;
  log: Log;
  feed?: Partial<Pick<FeedDeps, "sources" | "budgets" | "snapshotTtlSeconds" | "snapshotSize" | "observe">>;
  /**
   * How long a replaced model version's vector collection is kept after a reload: requests that started on
   * the old models still search it (their budget is milliseconds). Default 60 s.
   */
  retiredVectorGraceMs?: number;
}

export interface ReloadReport {
  reloaded: boolean;
  /** Models whose live registry version differs from the one served (empty when nothing changed). */
  changed: { model: string; from: string | null; to: string | null }[];
  from: string;
  to: string;
}

/** Models not loaded yet: a 503 with Retry-After to clients (src/http/errors.ts maps it). */
export class ModelsNotReadyError extends UnavailableError {
  constructor(message: string) {
    super("service_unavailable", message, 5);
  }
}

/**
 * The serving-models holder in AppDeps: the current ServingModels (swapped whole on load), long-term
 * histories, the feed service, and `refresh()` for the scheduler to fold new events in.
 */
export class Recsys {
  readonly feed: FeedService;
  private state: Bootstrapped | null = null;
  private refreshing: Promise<RefreshReport> | null = null;
  private reloading: Promise<ReloadReport> | null = null;
  private loadedWith: { db: Database; seed?: number } | null = null;
  /** Online model selection's serving side: the running experiment's arms (selection/live.ts). */
  private experiments: ExperimentRouter | null = null;

  constructor(readonly o: RecsysOptions) {
    this.feed = new FeedService({
      sessions: o.sessions,
      vectors: o.vectors,
      events: o.events,
      marketplace: o.marketplace,
      feedback: o.feedback,
      now: o.now,
      newId: o.newId,
      log: o.log,
      ...o.feed,
      liveOutcome: (_models, outcome) => this.experiments?.recordLive(this.state?.registryVersions, outcome),
    });
  }

  get ready(): boolean {
    return this.state !== null;
  }

  /** Registry version served per model (empty while loading): the metrics' model-version gauge. */
  get servedVersions(): Readonly<Record<string, string>> {
    return this.state?.registryVersions ?? {};
  }

  get models(): ServingModels {
    if (!this.state) throw new ModelsNotReadyError("recommendation models are still loading");
    return this.state.models;
  }

  /** Load (or, embedded, train and register) the live models, then serve them. */
  async start(db: Database, options: { trainMissing: boolean; seed?: number }): Promise<ServingModels> {
    this.install(
      await bootstrapModels({
        db,
        registry: this.o.registry,
        events: this.o.events,
        vectors: this.o.vectors,
        now: this.o.now(),
        log: this.o.log,
        trainMissing: options.trainMissing,
        seed: options.seed,
      }),
    );
    this.loadedWith = { db, seed: options.seed };
    this.experiments = new ExperimentRouter({
      store: new SelectionStore(db),
      loadVariant: (base, model, version) =>
        loadVariant(
          { registry: this.o.registry as ModelRegistry, vectors: this.o.vectors, log: this.o.log },
          base,
          model,
          version,
        ),
      servedVersion: (model) => this.state?.registryVersions[model] ?? null,
      log: this.o.log,
    });
    await this.refreshExperiments();
    return this.models;
  }

  /**
   * Picks up model versions rotated or rolled back in the registry (by the scheduler, `npm run train`, an
   * operator): when any serving model's live version differs from the one served, the whole set is loaded
   * again (never trained: what the registry says is live is what serves) and swapped in at once; requests
   * already running finish on the old set. Concurrent calls share one run. A load that fails leaves the old
   * models serving and is thrown to the caller (the Node timer logs it and tries again next time).
   */
  reloadIfChanged(): Promise<ReloadReport> {
    this.reloading ??= this.doReload().finally(() => (this.reloading = null));
    return this.reloading;
  }

  private async doReload(): Promise<ReloadReport> {
    const state = this.state;
    const loadedWith = this.loadedWith;
    if (!state || !loadedWith) throw new ModelsNotReadyError("reload before start");
    const registry = this.o.registry;
    const changed: ReloadReport["changed"] = [];
    for (const model of REGISTRY_MODELS) {
      const live = registry.liveVersion
        ? await registry.liveVersion(model)
        : ((await registry.live(model))?.version ?? null);
      const served = state.registryVersions[model] ?? null;
      if (live !== served) changed.push({ model, from: served, to: live });
    }
    const from = state.models.version;
    if (changed.length === 0) return { reloaded: false, changed, from, to: from };
    const next = await bootstrapModels({
      db: loadedWith.db,
      registry,
      events: this.o.events,
      vectors: this.o.vectors,
      now: this.o.now(),
      log: this.o.log,
      trainMissing: false,
      seed: loadedWith.seed,
      // Histories carry over: a reload reads models, not the whole event log on the serving thread.
      histories: { map: state.histories, lastSeq: state.lastSeq },
      // Models that did not move are taken over as built; reads and upserts yield to requests between slices.
      previous: state,
    });
    const retired = state.models.vectors?.version;
    this.install(next);
    this.o.log("recsys: models reloaded", { from, to: next.models.version, changed });
    if (retired && retired !== next.models.vectors?.version) this.retireVectors(retired);
    return { reloaded: true, changed, from, to: next.models.version };
  }

  /** Drops a replaced vector collection once requests that began on it are done (memory: one per version). */
  private retireVectors(version: string): void {
    const drop = (): void => {
      this.o.vectors.dropVersion(version).catch((err: unknown) =>
        this.o.log("recsys: dropping a retired vector version failed", {
          version,
          error: err instanceof Error ? err.message : String(err),
        }),
      );
    };
    const grace = this.o.retiredVectorGraceMs ?? 60_000;
    if (grace <= 0) {
      drop();
      return;
    }
    const timer = setTimeout(drop, grace);
    (timer as { unref?: () => void }).unref?.();
  }

  /** The experiment a first feed page should interleave, if any. */
  activeExperiment(): ActiveExperiment | null {
    return this.experiments?.active() ?? null;
  }

  /**
   * Follows the experiments in the database (after a reload, so the arms match the versions served) and
   * writes this process's arm counters. A failure leaves the feed on the live models alone, logged.
   */
  async refreshExperiments(): Promise<void> {
    if (!this.experiments || !this.state) return;
    try {
      await this.experiments.refresh(this.state.models);
    } catch (err) {
      this.o.log("selection: experiment not served; the live models serve alone", {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  install(b: Bootstrapped): void {
    this.state = b;
    if (b.unpublishedVectors) this.retryPublish(b, 1000);
  }

  private publishTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * The vector index was down when these models loaded: publish their item vectors once it answers again
   * (backing off to 30 s), so vector recall comes back without a restart. Dropped when other models replace
   * these (their load publishes, or retries, itself).
   */
  private retryPublish(b: Bootstrapped, delayMs: number): void {
    if (this.publishTimer) clearTimeout(this.publishTimer);
    this.publishTimer = setTimeout(async () => {
      this.publishTimer = null;
      const vectors = b.unpublishedVectors;
      if (this.state !== b || !vectors) return;
      try {
        await publishVectors(this.o.vectors, vectors, b.models.catalog, this.o.log);
        b.unpublishedVectors = undefined;
        this.o.log("recsys: item vectors published, vector recall is back", { version: vectors.version });
      } catch {
        this.retryPublish(b, Math.min(delayMs * 2, 30_000));
      }
    }, delayMs);
    (this.publishTimer as { unref?: () => void }).unref?.();
  }

  /** Stops background retries (shutdown, tests). */
  stop(): void {
    if (this.publishTimer) clearTimeout(this.publishTimer);
    this.publishTimer = null;
  }

  /** History of a caller: live session + user stream + long-term history. */
  async history(who: { userId: string | null; sessionId: string | null }): Promise<History> {
    const longTerm = who.userId ? (this.state?.histories.get(`u:${who.userId}`) ?? []) : [];
    return gatherHistory(this.o.sessions, this.models.catalog, who, longTerm);
  }

  /**
   * Folds events logged since the last refresh into the long-term histories of signed-in users. Models are
   * not touched: the learner (src/recsys/learner/) retrains them into registry versions, which serve after
   * `reloadIfChanged()`, so nothing folded here is lost on restart. Concurrent calls share one run.
   */
  refresh(maxEvents = 200_000): Promise<RefreshReport> {
    this.refreshing ??= this.doRefresh(maxEvents).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async doRefresh(maxEvents: number): Promise<RefreshReport> {
    const state = this.state;
    if (!state) throw new ModelsNotReadyError("refresh before start");
    const { catalog } = state.models;
    const { events, scannedTo } = await this.o.events.since(state.lastSeq, maxEvents, [...POSITIVE_TYPES]);
    state.lastSeq = scannedTo;
    let interactions = 0;
    for (const e of events) {
      if (!e.itemId || !e.userId) continue;
      const item = catalog.indexOf.get(e.itemId);
      if (item === undefined) continue;
      interactions++;
      const actor = `u:${e.userId}`;
      const h = state.histories.get(actor) ?? [];
      state.histories.set(actor, [item, ...h.filter((i) => i !== item)].slice(0, 20));
    }
    const report = { events: events.length, interactions, lastSeq: state.lastSeq };
    if (events.length > 0) this.o.log("recsys: refreshed", report);
    return report;
  }
}

export interface RefreshReport {
  events: number;
  /** Events folded into a signed-in user's history. */
  interactions: number;
  lastSeq: number;
}
