import type { ModelArtifact, TrainData } from "../../../ml/core/recommender.js";
import { createModel } from "../../../ml/models/index.js";
import type { Database } from "../../db/database";
import type { ModelRegistry } from "../../ports/model-registry";
import type { ItemCatalog } from "../catalog";
import { loadCatalog } from "../catalog-loader";
import { defaultRanker, LinearRanker } from "../feed/rank";
import type { Log } from "../models/bootstrap";
import { SERVING_MODELS } from "../models/bootstrap";
import type { EventLog } from "../../ports/event-log";
import { artifactRanker, evaluate, qualityMetrics, windowCases, type QualityMetrics } from "./evaluate";
import {
  covisRefitSupported,
  foldPopularity,
  popularityArtifact,
  popularityCounts,
  refitCovisRows,
  rowsAround,
} from "./incremental";
import { assessChallengers, type Assessment, TRAINED_TO, windowFrom } from "./assess";
import { evaluateRanker, fitRanker, labelPages, pagePropensities, readImpressionPages } from "./ranker-learn";
import { LEARNER_METRICS } from "./metric-names";
import { eventsTableReader, TrainingLog } from "./training-log";

/** Every model the learner keeps current, in the order a cycle trains them. */
export const LEARNED_MODELS = ["popularity", "covisitation", "session-knn", "fism-bpr", "ranker"] as const;
export type LearnedModel = (typeof LEARNED_MODELS)[number];

/** Metric names the learner records on every version it registers (read back to plan the next cycle). */
export const M = LEARNER_METRICS;

export interface LearnerDeps {
  db: Database;
  events: EventLog;
  registry: ModelRegistry;
  now: () => number;
  log: Log;
  /** A long-running learner passes the same object every cycle: the interaction cache lives in it. */
  cache?: LearnerCache;
  /**
   * Content embeddings for items added or changed since the last run (the embed engineer's job, issue 14.2).
   * LEARNER-EMBED CALL SITE: wired here once `reembedNewItems` is on main; absent, the step is reported skipped.
   */
  reembedNewItems?: () => Promise<{ items: number }>;
}

export interface LearnerCache {
  catalog?: ItemCatalog;
  log?: TrainingLog;
  /** products count and max id the catalog was read at (a change reloads it). */
  catalogMark?: string;
}

export interface LearnerOptions {
  /** auto (default): full when due, else incremental when there are new events, else idle. */
  mode?: "auto" | "full" | "incremental";
  /** A full retrain at least this often (default 6 h). */
  fullEveryMs?: number;
  /** A full retrain when this many interaction events arrived since the last one (default 50,000). */
  backlogThreshold?: number;
  /** Newest logged interactions the offline evaluation uses (default 2,000), and most cases scored (1,000). */
  evalWindow?: number;
  evalCases?: number;
  /** New logged feed pages (with features) needed before the ranker is retrained (default 1,000). */
  rankerMinImpressions?: number;
  /** Newest pages the ranker trains on (default 20,000: a fit is ~1 s per 1,500 pages). */
  rankerMaxImpressions?: number;
  /** How long after an impression an interaction still labels it (default 24 h). */
  labelHorizonMs?: number;
  /** Point `live` at every version registered (tests, and serving until the selection module decides). */
  promote?: boolean;
  /** Only these models (default all). */
  models?: readonly LearnedModel[];
  seed?: number;
  onProgress?: (message: string) => void;
}

export interface ModelRun {
  model: LearnedModel;
  status: "registered" | "skipped" | "failed";
  kind?: "full" | "incremental";
  version?: string;
  ms: number;
  metrics?: Record<string, number>;
  /** Why skipped / what failed. */
  reason?: string;
}

export interface LearnerReport {
  mode: "full" | "incremental" | "idle";
  reason: string;
  startedAt: number;
  ms: number;
  /** Event-log position the registered versions include. */
  eventSeq: number;
  /** Interaction events since the previous versions. */
  newEvents: number;
  interactions: number;
  items: number;
  models: ModelRun[];
  reembed?: { status: "done" | "skipped" | "failed"; items?: number; reason?: string };
  /** Challengers registered without window metrics that this cycle assessed (assess.ts). */
  assessed?: Assessment[];
  /** True when any model failed (the others are still registered). */
  failed: boolean;
}

interface Base {
  version: string;
  metrics: Record<string, number>;
}

const DEFAULTS = {
  fullEveryMs: 6 * 3_600_000,
  backlogThreshold: 50_000,
  evalWindow: 2_000,
  evalCases: 1_000,
  rankerMinImpressions: 1_000,
  rankerMaxImpressions: 20_000,
  labelHorizonMs: 86_400_000,
};

/**
 * One learner cycle: reads what is new in the event log, decides full / incremental / idle, retrains every
 * serving model accordingly and registers a version of each with its metrics (offline quality on the newest
 * window of events, against the live version). A model that fails is reported and the others still register.
 * It never moves a live pointer unless `promote` says so: choosing what serves is the selection module's job.
 */
export async function runLearnerCycle(deps: LearnerDeps, opts: LearnerOptions = {}): Promise<LearnerReport> {
  // Options left undefined (a CLI flag not given) keep their defaults.
  const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as LearnerOptions;
  const o = { ...DEFAULTS, ...given };
  const started = performance.now();
  const startedAt = deps.now();
  const progress = (m: string): void => o.onProgress?.(m);
  const wanted = new Set<LearnedModel>(o.models ?? LEARNED_MODELS);
  const cache = deps.cache ?? {};
  const bases = new Map<LearnedModel, Base | null>();
  for (const m of LEARNED_MODELS) bases.set(m, wanted.has(m) ? await newestLearned(deps.registry, m) : null);

  // What is due: full on request, on schedule, on backlog, or when a model has no learner version yet.
  const recall = [...wanted].filter((m) => m !== "ranker");
  const fullAts = recall.map((m) => bases.get(m)?.metrics[M.fullAt] ?? 0);
  const fullSeqs = recall.map((m) => bases.get(m)?.metrics[M.fullSeq] ?? 0);
  const lastFullAt = fullAts.length > 0 ? Math.min(...fullAts) : startedAt;
  const lastFullSeq = fullSeqs.length > 0 ? Math.min(...fullSeqs) : 0;
  const missing = recall.filter((m) => !bases.get(m));

  const mark = await catalogMark(deps.db);
  const rebuild = !cache.log || !cache.catalog || cache.catalogMark !== mark;
  let reason = "";
  let full = o.mode === "full";
  if (full) reason = "requested";
  else if (o.mode !== "incremental" && missing.length > 0) [full, reason] = [true, `no learner version of ${missing}`];
  else if (o.mode !== "incremental" && recall.length > 0 && startedAt - lastFullAt >= o.fullEveryMs)
    [full, reason] = [true, `schedule (last full run ${Math.round((startedAt - lastFullAt) / 60_000)} min ago)`];

  // The interaction cache: rebuilt for a full run (new reviews, late events re-sorted) or a changed catalog.
  if (full || rebuild) {
    progress("reading catalog, reviews and the event log");
    cache.catalog = await loadCatalog(deps.db);
    cache.catalogMark = mark;
    cache.log = await TrainingLog.load(deps.db, cache.catalog, eventsTableReader(deps.db));
  } else await cache.log?.extend(eventsTableReader(deps.db), Number.POSITIVE_INFINITY);
  const log = cache.log as TrainingLog;
  const catalog = cache.catalog as ItemCatalog;
  progress(
    `${log.interactions} interactions, ${log.actors.length} actors, ${catalog.size} items, log at ${log.lastSeq}`,
  );

  const backlog = log.countAfter(lastFullSeq);
  if (!full && o.mode !== "incremental" && backlog >= o.backlogThreshold)
    [full, reason] = [true, `backlog of ${backlog} interactions since the last full run`];
  // New since the incremental models' versions (embeddings lag until the next full run by design).
  const incremental = recall.filter((m) => m !== "fism-bpr");
  const baseSeqs = (incremental.length > 0 ? incremental : recall).map((m) => bases.get(m)?.metrics[M.eventSeq] ?? 0);
  const newEvents = log.countAfter(baseSeqs.length > 0 ? Math.min(...baseSeqs) : log.lastSeq);
  const report: LearnerReport = {
    mode: full ? "full" : newEvents > 0 ? "incremental" : "idle",
    reason: full ? reason : newEvents > 0 ? `${newEvents} new interactions` : "no new interactions",
    startedAt,
    ms: 0,
    eventSeq: log.lastSeq,
    newEvents,
    interactions: log.interactions,
    items: catalog.size,
    models: [],
    failed: false,
  };

  const all = log.trainData();
  const cut = log.windowStart(o.evalWindow);
  const holdouts = new Map<number, TrainData>();
  const holdoutAt = (from: number): TrainData => {
    let h = holdouts.get(from);
    if (!h) holdouts.set(from, (h = log.trainData(from - 1)));
    return h;
  };
  /**
   * Where a model's evaluation window begins: the newest `evalWindow` interactions, but never before the end
   * of the live version's own training data. A live version scored on events it was trained on looks far
   * better than it is (in-sample), and the gate then held every retrained challenger; after this cut both are
   * out of sample on the same cases, and the challenger's twin is trained on at least the live one's data.
   */
  const evalPlan = async (model: LearnedModel) => {
    const live = await deps.registry.live(model).catch(() => null);
    const { from, liveOutOfSample } = windowFrom(cut, live);
    const cases = from > 0 ? windowCases(log, from, o.evalCases) : [];
    return { live, from, cases, holdout: () => holdoutAt(from), liveOutOfSample };
  };
  const common = (kind: "full" | "incremental"): Record<string, number> => ({
    [M.eventSeq]: log.lastSeq,
    [M.full]: kind === "full" ? 1 : 0,
    [M.fullSeq]: kind === "full" ? log.lastSeq : lastFullSeq,
    [M.fullAt]: kind === "full" ? startedAt : lastFullAt,
    interactions: all.interactions,
    items: catalog.size,
  });

  const runModel = async (model: LearnedModel, work: () => Promise<Omit<ModelRun, "model" | "ms"> | null>) => {
    if (!wanted.has(model)) return;
    const t0 = performance.now();
    try {
      const r = await work();
      if (r) report.models.push({ model, ms: Math.round(performance.now() - t0), ...r });
    } catch (err) {
      report.failed = true;
      const message = err instanceof Error ? err.message : String(err);
      report.models.push({ model, status: "failed", ms: Math.round(performance.now() - t0), reason: message });
      deps.log("learner: model failed; the others continue", { model, error: message });
    }
  };

  /** Registers `artifact` with its quality (its holdout twin's) next to the live version's on the same window. */
  const register = async (
    model: LearnedModel,
    kind: "full" | "incremental",
    artifact: ModelArtifact,
    twin: ModelArtifact,
    plan: Awaited<ReturnType<typeof evalPlan>>,
    trainMs: number,
    extra: Record<string, number> = {},
  ): Promise<Omit<ModelRun, "model" | "ms">> => {
    const { cases } = plan;
    progress(`${model}: evaluating on ${cases.length} cases of the newest window (from event ${plan.from})`);
    const quality = evaluate(cases, artifactRanker(twin, catalog));
    const live = plan.live ? evaluate(cases, artifactRanker(plan.live.artifact, catalog)) : null;
    const metrics: Record<string, number> = {
      ...common(kind),
      "eval.fromSeq": plan.from,
      "eval.liveOutOfSample": plan.liveOutOfSample ? 1 : 0,
      ...qualityMetrics(quality, live),
      trainMs: Math.round(trainMs),
      ...extra,
    };
    const version = await deps.registry.register(model, artifact, metrics, {
      live: o.promote === true,
      reason: `learner ${kind} run`,
    });
    progress(`${model}: registered ${version} (${kind}, ndcg@10 ${metrics["ndcg@10"]})`);
    return { status: "registered", kind, version, metrics };
  };

  const fitFull = async (model: string, data: TrainData): Promise<ModelArtifact> => {
    const m = createModel(model, { params: { [model]: SERVING_MODELS[model] } });
    await m.fit(data, { seed: o.seed ?? 1, onProgress: (msg) => progress(`${model}: ${msg}`) });
    return m.save();
  };

  const skipIdle = (): Omit<ModelRun, "model" | "ms"> | null =>
    report.mode === "idle" ? { status: "skipped", reason: "no new interactions" } : null;

  await runModel("popularity", async () => {
    const idle = skipIdle();
    if (idle) return idle;
    const halfLife = Number(SERVING_MODELS.popularity.halfLifeDays);
    const t0 = performance.now();
    const base = full ? null : await loadAligned(deps.registry, "popularity", bases.get("popularity"), catalog);
    const counts = base?.artifact.blobs.counts;
    let artifact: ModelArtifact;
    let kind: "full" | "incremental" = "full";
    if (base && counts instanceof Float64Array && typeof base.artifact.params.asOf === "number") {
      const since = base.metrics[M.eventSeq] ?? 0;
      const added = log.eventsAfter(since).map((e) => ({
        item: log.actors[e.actor].items[e.position],
        ts: log.actors[e.actor].ts[e.position],
      }));
      const next = Float64Array.from(counts);
      const asOf = foldPopularity(next, base.artifact.params.asOf, added, halfLife);
      artifact = popularityArtifact(next, asOf, catalog.ids, halfLife);
      kind = "incremental";
    } else {
      const { counts: c, asOf } = popularityCounts(all.sequences, catalog.size, halfLife);
      artifact = popularityArtifact(c, asOf, catalog.ids, halfLife);
    }
    const trainMs = performance.now() - t0;
    const plan = await evalPlan("popularity");
    const h = popularityCounts(plan.holdout().sequences, catalog.size, halfLife);
    const twin = popularityArtifact(h.counts, h.asOf, catalog.ids, halfLife);
    return register("popularity", kind, artifact, twin, plan, trainMs);
  });

  await runModel("covisitation", async () => {
    const idle = skipIdle();
    if (idle) return idle;
    const t0 = performance.now();
    const base = full ? null : await loadAligned(deps.registry, "covisitation", bases.get("covisitation"), catalog);
    let artifact: ModelArtifact;
    let kind: "full" | "incremental" = "full";
    let rowsRefit = catalog.size;
    if (base && covisRefitSupported(base.artifact.params)) {
      const window = Number(base.artifact.params.window);
      const rows = new Set<number>();
      for (const e of log.eventsAfter(base.metrics[M.eventSeq] ?? 0))
        rowsAround(log.actors[e.actor].items, e.position, window, rows);
      artifact = refitCovisRows(base.artifact, all.sequences, rows, catalog.size);
      kind = "incremental";
      rowsRefit = rows.size;
    } else artifact = await fitFull("covisitation", all);
    const trainMs = performance.now() - t0;
    const plan = await evalPlan("covisitation");
    const twin = await fitFull("covisitation", plan.holdout());
    return register("covisitation", kind, artifact, twin, plan, trainMs, { "learner.rowsRefit": rowsRefit });
  });

  await runModel("session-knn", async () => {
    const idle = skipIdle();
    if (idle) return idle;
    // An index over the sequences, not a fit: rebuilt from the cache every cycle (a second or two at 1M).
    const t0 = performance.now();
    const artifact = await fitFull("session-knn", all);
    const trainMs = performance.now() - t0;
    const plan = await evalPlan("session-knn");
    const twin = await fitFull("session-knn", plan.holdout());
    return register("session-knn", full ? "full" : "incremental", artifact, twin, plan, trainMs);
  });

  await runModel("fism-bpr", async () => {
    if (!full) return { status: "skipped", reason: "embeddings retrain in full runs only" };
    // One fit, on everything before the evaluation window: the slowest model is not trained twice, and its
    // window metrics are out of sample. The window (the newest evalWindow interactions) reaches the
    // embeddings at the next full run; the count models, refreshed every cycle, carry it meanwhile.
    const t0 = performance.now();
    const plan = await evalPlan("fism-bpr");
    const artifact = await fitFull("fism-bpr", plan.holdout());
    const trainMs = performance.now() - t0;
    return register("fism-bpr", "full", artifact, artifact, plan, trainMs, { [TRAINED_TO]: plan.from - 1 });
  });

  if (wanted.has("fism-bpr")) {
    if (!deps.reembedNewItems) report.reembed = { status: "skipped", reason: "no re-embed job wired" };
    else
      try {
        report.reembed = { status: "done", items: (await deps.reembedNewItems()).items };
      } catch (err) {
        report.failed = true;
        report.reembed = { status: "failed", reason: err instanceof Error ? err.message : String(err) };
      }
  }

  await runModel("ranker", async () => {
    // Incremental cycles retrain it once enough new pages were logged; full runs whenever enough exist.
    const base = bases.get("ranker");
    const since = full ? 0 : (base?.metrics[M.impressionSeq] ?? 0);
    const fresh = await readImpressionPages(deps.events, log, { afterSeq: since, stopAt: o.rankerMinImpressions });
    if (fresh.pages.length < o.rankerMinImpressions)
      return {
        status: "skipped",
        reason: `${fresh.pages.length} ${full ? "" : "new "}feed pages with features (${o.rankerMinImpressions} needed)`,
      };
    const t0 = performance.now();
    progress("ranker: reading impressions");
    const { pages, lastSeq } = await readImpressionPages(deps.events, log, { max: o.rankerMaxImpressions });
    const labelled = labelPages(pages, log, o.labelHorizonMs);
    const propensity = pagePropensities(pages);
    const prior = defaultRanker();
    const version = `learned-${log.lastSeq}`;
    const { ranker, cases: rankerCases, pairs } = fitRanker(pages, propensity, prior, version);
    const trainMs = performance.now() - t0;
    // Holdout: the newest 20% of pages are scored by a twin fitted on the older 80%, and by the live ranker.
    const split = Math.floor(pages.length * 0.8);
    const twin = fitRanker(pages.slice(0, split), propensity, prior, `${version}-holdout`).ranker;
    const test = pages.slice(split);
    const quality = evaluateRanker(test, propensity, twin);
    const liveEntry = await deps.registry.live("ranker");
    let live: QualityMetrics | null = null;
    if (liveEntry)
      try {
        live = evaluateRanker(test, propensity, LinearRanker.fromArtifact(liveEntry.artifact, liveEntry.version));
      } catch {
        live = null; // a live ranker of another feature layout cannot be compared
      }
    const metrics: Record<string, number> = {
      ...common(full ? "full" : "incremental"),
      [M.impressionSeq]: lastSeq,
      ...qualityMetrics(quality, live),
      "eval.fromSeq": test[0]?.seq ?? 0,
      pages: pages.length,
      labelled,
      cases: rankerCases,
      pairs,
      trainMs: Math.round(trainMs),
      "propensity.p1": round(propensity[1]),
      "propensity.p5": round(propensity[5]),
      "propensity.p10": round(propensity[10]),
      "propensity.p20": round(propensity[20]),
    };
    const registered = await deps.registry.register("ranker", ranker.toArtifact(metrics), metrics, {
      live: o.promote === true,
      reason: "learner ranker from logged impressions",
    });
    return { status: "registered", kind: "full", version: registered, metrics };
  });

  // Versions registered elsewhere (published, by hand) get the same window numbers before selection tries them.
  report.assessed = await assessChallengers(
    { registry: deps.registry, events: deps.events, log, catalog, now: deps.now, progress },
    {
      models: [...wanted],
      cut,
      evalCases: o.evalCases,
      rankerMaxImpressions: o.rankerMaxImpressions,
      labelHorizonMs: o.labelHorizonMs,
    },
  );
  report.ms = Math.round(performance.now() - started);
  deps.log("learner: cycle done", {
    mode: report.mode,
    reason: report.reason,
    ms: report.ms,
    eventSeq: report.eventSeq,
    models: report.models.map((m) => `${m.model}:${m.status}${m.version ? `@${m.version}` : ""}`),
    assessed: report.assessed?.map((a) => `${a.model}@${a.version}:${a.status}`),
  });
  return report;
}

const round = (v: number): number => Math.round(v * 1e4) / 1e4;

/**
 * The learner's latest state of `model`: of its recent versions registered by the learner (or the bootstrap,
 * with the same metrics), the one covering the most of the event log (creation times may tie, so they are
 * not used).
 */
async function newestLearned(registry: ModelRegistry, model: string): Promise<Base | null> {
  // Ties (a full run over the same log as an incremental one): the one with the later full run.
  const key = (m: Record<string, number>): [number, number] => [m[M.eventSeq] ?? -1, m[M.fullSeq] ?? -1];
  let best: Base | null = null;
  for (const v of await registry.versions(model, 20)) {
    if (typeof v.metrics[M.eventSeq] !== "number") continue;
    const [seq, full] = key(v.metrics);
    const [bestSeq, bestFull] = best ? key(best.metrics) : [-1, -1];
    if (seq > bestSeq || (seq === bestSeq && full > bestFull)) best = { version: v.version, metrics: v.metrics };
  }
  return best;
}

/** The base version's artifact when it indexes items exactly as the catalog does (else a full fit). */
async function loadAligned(
  registry: ModelRegistry,
  model: string,
  base: Base | null | undefined,
  catalog: ItemCatalog,
): Promise<{ artifact: ModelArtifact; metrics: Record<string, number> } | null> {
  if (!base) return null;
  const { artifact, metrics } = await registry.load(model, base.version);
  const ids = artifact.itemIds;
  if (ids.length !== catalog.size || ids.some((id, i) => catalog.ids[i] !== id)) return null;
  return { artifact, metrics };
}

/** Changes when products are added or removed (the catalog is then re-read). */
async function catalogMark(db: Database): Promise<string> {
  const res = await db.$client.execute("SELECT count(*) AS n, coalesce(max(id), 0) AS top FROM products");
  return `${Number(res.rows[0].n)}:${Number(res.rows[0].top)}`;
}
