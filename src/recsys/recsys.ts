import type { SessionStore } from "../ports/session-store";
import type { VectorIndex } from "../ports/vector-index";
import type { Database } from "../db/database";
import { FeedService, type FeedDeps } from "./feed/feed-service";
import { gatherHistory, type History } from "./history";
import { bootstrapModels, type Bootstrapped, type Log } from "./models/bootstrap";
import type { ServingModels } from "./models/serving-models";
import { POSITIVE_TYPES } from "./models/train-data";
import type { ArtifactRegistryPort, EventLogPort, MarketplacePort } from "./ports";

export interface RecsysOptions {
  sessions: SessionStore;
  vectors: VectorIndex;
  events: EventLogPort;
  marketplace: MarketplacePort;
  registry: ArtifactRegistryPort;
  now: () => number;
  newId: () => string;
  log: Log;
  feed?: Partial<Pick<FeedDeps, "sources" | "budgets" | "snapshotTtlSeconds" | "snapshotSize">>;
}

export class ModelsNotReadyError extends Error {
  override readonly name = "ModelsNotReadyError";
}

/**
 * The serving-models holder in AppDeps: the current ServingModels (swapped whole on load), long-term
 * histories, the feed service, and `refresh()` for the scheduler to fold new events in.
 */
export class Recsys {
  readonly feed: FeedService;
  private state: Bootstrapped | null = null;
  private refreshing: Promise<RefreshReport> | null = null;

  constructor(readonly o: RecsysOptions) {
    this.feed = new FeedService({ sessions: o.sessions, vectors: o.vectors, events: o.events, marketplace: o.marketplace, now: o.now, newId: o.newId, ...o.feed });
  }

  get ready(): boolean {
    return this.state !== null;
  }

  get models(): ServingModels {
    if (!this.state) throw new ModelsNotReadyError("recommendation models are still loading");
    return this.state.models;
  }

  /** Load (or, embedded, train and register) the live models, then serve them. */
  async start(db: Database, options: { trainMissing: boolean; seed?: number }): Promise<ServingModels> {
    this.install(await bootstrapModels({ db, registry: this.o.registry, events: this.o.events, vectors: this.o.vectors, now: this.o.now(), log: this.o.log, trainMissing: options.trainMissing, seed: options.seed }));
    return this.models;
  }

  install(b: Bootstrapped): void {
    this.state = b;
  }

  /** History of a caller: live session + user stream + long-term history. */
  async history(who: { userId: string | null; sessionId: string | null }): Promise<History> {
    const longTerm = who.userId ? (this.state?.histories.get(`u:${who.userId}`) ?? []) : [];
    return gatherHistory(this.o.sessions, this.models.catalog, who, longTerm);
  }

  /**
   * Folds events logged since the last refresh into co-visitation (overlay), trending counts and
   * long-term histories. Concurrent calls share one run. Returns what was folded.
   */
  refresh(maxEvents = 200_000): Promise<RefreshReport> {
    this.refreshing ??= this.doRefresh(maxEvents).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async doRefresh(maxEvents: number): Promise<RefreshReport> {
    const state = this.state;
    if (!state) throw new ModelsNotReadyError("refresh before start");
    const { catalog, covis, trending } = state.models;
    const { events, scannedTo } = await this.o.events.since(state.lastSeq, maxEvents, [...POSITIVE_TYPES]);
    state.lastSeq = scannedTo;
    const byActor = new Map<string, number[]>();
    const counts: { item: number; weight: number }[] = [];
    for (const e of events) {
      if (!e.itemId) continue;
      const item = catalog.indexOf.get(e.itemId);
      if (item === undefined) continue;
      const actor = e.userId ? `u:${e.userId}` : `s:${e.sessionId ?? ""}`;
      let seq = byActor.get(actor);
      if (!seq) byActor.set(actor, (seq = []));
      seq.push(item);
      counts.push({ item, weight: e.type === "purchase" ? 3 : e.type === "cart" ? 2 : 1 });
      if (e.userId) {
        const h = state.histories.get(actor) ?? [];
        state.histories.set(actor, [item, ...h.filter((i) => i !== item)].slice(0, 20));
      }
    }
    const pairs = covis.fold([...byActor.values()]);
    trending.fold(counts, this.o.now());
    const report = { events: events.length, interactions: counts.length, pairs, lastSeq: state.lastSeq };
    if (events.length > 0) this.o.log("recsys: refreshed", report);
    return report;
  }
}

export interface RefreshReport {
  events: number;
  interactions: number;
  pairs: number;
  lastSeq: number;
}
