import type { ModelArtifact } from "../../../ml/core/recommender.js";
import { createModel } from "../../../ml/models/index.js";
import type { InProcessAnnIndex, VectorIndex, VectorPoint } from "../../ports/vector-index";
import { errorMessage, type Log } from "../../ports/logger";
import { backendDown } from "../../ports/backends";
import type { Database } from "../../db/database";
import type { ItemCatalog } from "../catalog";
import { loadCatalog } from "../catalog-loader";
import { DEFAULT_BUDGETS } from "../feed/feed-service";
import { LinearRanker, defaultRanker } from "../feed/rank";
import { interestQueries, vectorSearchK } from "../feed/recall/vector";
import type { ModelRegistry, RegisteredArtifact } from "../../ports/model-registry";
import type { EventLog } from "../../ports/event-log";
import {
  covisFromArtifact,
  popularityFromArtifact,
  SessionKnnSource,
  vectorsFromArtifact,
  type ItemVectors,
  type ServingModels,
} from "./serving-models";
import { LEARNER_METRICS } from "../learner/metric-names";
import { REGISTRY_MODELS, SERVING_MODELS } from "./serving-model-names";
import { loadTrainData } from "./train-data";

/** The logger port's function shape, re-exported where recsys code has always imported it from. */
export type { Log };

/** Re-exported: serving-model-names.ts holds them so Workers can name the models without the trainers. */
export { REGISTRY_MODELS, SERVING_MODELS };

export interface BootstrapOptions {
  db: Database;
  registry: ModelRegistry;
  events: EventLog;
  vectors: VectorIndex;
  now: number;
  log: Log;
  /** Train missing models in-process (embedded default). False on Workers: serve what is registered. */
  trainMissing: boolean;
  seed?: number;
  /** Catalog already loaded (tests, benchmarks). */
  catalog?: ItemCatalog;
  /**
   * Long-term histories already held (a reload): reused instead of re-reading the whole event log on the
   * serving thread, unless a model must be trained here.
   */
  histories?: { map: Map<string, number[]>; lastSeq: number };
  /**
   * The set being served, on a reload (Recsys.reloadIfChanged): a model whose live version it already serves
   * is reused as built (no artifact read, decode or re-index; its vectors are not published and re-indexed
   * again) when the freshly read catalog lists the same items in the same order, which is what it was built
   * over. The catalog is read in pages that yield to the event loop. A reload runs on a serving thread: it
   * used to rebuild every model and re-index the vectors each time one count model moved, holding requests
   * for whole seconds (scripts/bench/reload.ts).
   */
  previous?: Bootstrapped;
}

/** Rows per catalog page on a reload, each followed by a yield to the event loop (a page holds it ~20-50 ms). */
const RELOAD_CATALOG_PAGE = 2_000;

/**
 * A macrotask boundary: requests waiting on the event loop run before a reload's next slice (setTimeout works
 * on Node and workerd alike; an `await` of a resolved promise would not let them in).
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A pause for loops of synchronous slices: it yields to the event loop only once `budgetMs` of work ran since
 * the last yield, so a loop of many short steps costs no extra latency at start-up and holds a serving thread
 * at most about one slice past the budget. (On workerd the clock stands still during CPU work: it never yields.)
 */
export function timeSlicer(budgetMs = 10): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < budgetMs) return;
    await yieldToEventLoop();
    since = performance.now();
  };
}

/** Same items at the same indices: models built over one catalog are valid over the other. */
export function sameItems(a: ItemCatalog, b: ItemCatalog): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (let i = 0; i < a.size; i++) if (a.ids[i] !== b.ids[i]) return false;
  return true;
}

export interface Bootstrapped {
  models: ServingModels;
  /** Training sequences' last 20 items per actor key (newest first), for users with no live session. */
  histories: Map<string, number[]>;
  /** Event-log position the models include (refresh folds events after it). */
  lastSeq: number;
  /** Registry version of every model read (what the registry said was live, even if unusable): reload compares these. */
  registryVersions: Record<string, string>;
  /**
   * Set when the vector index was down at load: these item vectors still have to be published to it (Recsys
   * retries until it answers). Until then the vector recall source fails and feeds are marked degraded.
   */
  unpublishedVectors?: ItemVectors;
}

/**
 * Loads the live version of every serving model from the registry; on the embedded default, a model
 * with no registered version is trained here from the reviews + events in the database and registered
 * (logged, with its metrics), then loaded back through the registry like any other version.
 */
export async function bootstrapModels(o: BootstrapOptions): Promise<Bootstrapped> {
  const started = performance.now();
  const reload = o.previous !== undefined;
  const catalog =
    o.catalog ??
    (await loadCatalog(o.db, reload ? RELOAD_CATALOG_PAGE : undefined, reload ? yieldToEventLoop : undefined));
  // On a reload over the same items: models whose live version is the one served are taken over as built.
  const prev = o.previous && sameItems(o.previous.models.catalog, catalog) ? o.previous : null;
  const unchanged = async (name: string): Promise<boolean> => {
    const served = prev?.registryVersions[name];
    return served !== undefined && (await o.registry.liveVersion(name)) === served;
  };
  const reused = new Set<string>();
  const found = new Map<string, RegisteredArtifact | null>();
  for (const name of Object.keys(SERVING_MODELS)) {
    // Popularity is always read (0.5 MB): trending is rebuilt over the new catalog object.
    if (name !== "popularity" && (name !== "fism-bpr" || prev?.models.vectors) && (await unchanged(name)))
      reused.add(name);
    else found.set(name, await o.registry.live(name));
  }
  const missing = [...found].filter(([, v]) => v === null).map(([k]) => k);
  const td = missing.length > 0 || !o.histories ? await loadTrainData(o.db, catalog, o.events) : null;
  if (missing.length > 0 && td) {
    if (!o.trainMissing)
      throw new Error(`no registered version of ${missing.join(", ")} and in-process training is off`);
    o.log("recsys: training in-process (no registered version)", {
      models: missing,
      items: catalog.size,
      sequences: td.data.sequences.length,
      interactions: td.interactions,
    });
    for (const name of missing) {
      const t0 = performance.now();
      const model = createModel(name, { params: { [name]: SERVING_MODELS[name] } });
      await model.fit(td.data, { seed: o.seed ?? 1 });
      const artifact: ModelArtifact = model.save();
      // The learner's bookkeeping metrics (src/recsys/learner/cycle.ts): its first cycle builds on these.
      const metrics = {
        trainMs: Math.round(performance.now() - t0),
        interactions: td.interactions,
        items: catalog.size,
        [LEARNER_METRICS.eventSeq]: td.lastSeq,
        [LEARNER_METRICS.fullSeq]: td.lastSeq,
        [LEARNER_METRICS.fullAt]: o.now,
        [LEARNER_METRICS.full]: 1,
      };
      const version = await o.registry.register(name, artifact, metrics, { live: true });
      o.log("recsys: registered model", { model: name, version, ...metrics });
      found.set(name, await o.registry.live(name));
    }
  }
  const get = (name: string): RegisteredArtifact => {
    const v = found.get(name);
    if (!v) throw new Error(`registry has no ${name}`);
    return v;
  };
  const versionOf = (name: string): string =>
    reused.has(name) ? (prev?.registryVersions[name] ?? "") : get(name).version;
  let ranker: LinearRanker;
  let rankerVersion: string | null;
  if (prev && (await unchanged("ranker"))) {
    ranker = prev.models.ranker;
    rankerVersion = prev.registryVersions.ranker;
  } else {
    let rankerEntry = await o.registry.live("ranker");
    if (rankerEntry === null) {
      const d = defaultRanker();
      await o.registry.register("ranker", d.toArtifact(), {}, { live: true });
      rankerEntry = await o.registry.live("ranker");
    }
    rankerVersion = rankerEntry?.version ?? null;
    try {
      ranker = rankerEntry ? LinearRanker.fromArtifact(rankerEntry.artifact, rankerEntry.version) : defaultRanker();
    } catch (err) {
      o.log("recsys: live ranker unusable, serving the committed default weights", {
        error: err instanceof Error ? err.message : String(err),
      });
      ranker = defaultRanker();
    }
  }

  const pop = get("popularity");
  // Trending decays from the popularity version's own clock (the learner records it), else the data's latest event.
  const asOf = typeof pop.artifact.params.asOf === "number" ? pop.artifact.params.asOf : td?.latest || o.now;
  const { popularity, trending } = popularityFromArtifact(pop.artifact, catalog, asOf, 7);
  let vectors: ItemVectors;
  let unpublishedVectors: ItemVectors | undefined;
  if (prev?.models.vectors && reused.has("fism-bpr")) {
    // Already in the index under this version (or still waiting to be published: the retry carries on).
    vectors = prev.models.vectors;
    unpublishedVectors = prev.unpublishedVectors;
  } else {
    const fism = get("fism-bpr");
    const vectorVersion = `fism-${fism.version}`.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
    vectors = vectorsFromArtifact(fism.artifact, catalog, vectorVersion);
    try {
      await publishVectors(o.vectors, vectors, catalog, o.log);
    } catch (err) {
      // Qdrant down must not stop serving: everything but vector recall works from memory.
      if (backendDown(err) !== "vector_index") throw err;
      o.log("recsys: vector index unavailable, serving without vector recall until it answers", {
        level: "warn",
        version: vectors.version,
        error: errorMessage(err),
      });
      unpublishedVectors = vectors;
    }
  }
  const components = {
    popularity: pop.version,
    covisitation: versionOf("covisitation"),
    "session-knn": versionOf("session-knn"),
    vectors: vectors.version,
    ranker: ranker.version,
  };
  const models: ServingModels = {
    version: shortHash(Object.values(components).join("|")),
    builtAt: o.now,
    catalog,
    covis:
      prev && reused.has("covisitation") ? prev.models.covis : covisFromArtifact(get("covisitation").artifact, catalog),
    sknn:
      prev && reused.has("session-knn")
        ? prev.models.sknn
        : SessionKnnSource.fromArtifact(get("session-knn").artifact, catalog),
    trending,
    popularity,
    vectors,
    ranker,
    components,
  };
  o.log("recsys: serving models ready", {
    version: models.version,
    ms: Math.round(performance.now() - started),
    items: catalog.size,
    ...components,
    ...(reload
      ? { reused: [...reused, ...(prev && rankerVersion === prev.registryVersions.ranker ? ["ranker"] : [])] }
      : {}),
  });
  const registryVersions: Record<string, string> = Object.fromEntries(
    Object.keys(SERVING_MODELS).map((name) => [name, versionOf(name)]),
  );
  if (rankerVersion !== null) registryVersions.ranker = rankerVersion;
  return {
    models,
    histories: td
      ? actorHistories(
          td.data.sequences.map((s) => s.items),
          td.actorKeys,
        )
      : (o.histories?.map ?? new Map()),
    lastSeq: td ? td.lastSeq : (o.histories?.lastSeq ?? 0),
    registryVersions,
    ...(unpublishedVectors ? { unpublishedVectors } : {}),
  };
}

function actorHistories(seqs: Int32Array[], keys: string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  seqs.forEach((items, j) => {
    out.set(keys[j], Array.from(items.subarray(Math.max(0, items.length - 20))).reverse());
  });
  return out;
}

/** Upserts item vectors under their version unless already complete there, then points "live" at it. */
export async function publishVectors(
  index: VectorIndex,
  v: ItemVectors,
  catalog: ItemCatalog,
  log: Log,
  /**
   * `setLive: false`: an experiment arm's vectors, searched by version while the live alias stays put.
   * `pause`: runs after every upsert batch and between calibration queries; default a timeSlicer(), so a
   * version published while serving (a reload, an experiment arm) does not hold requests for its whole length.
   */
  options: { setLive?: boolean; pause?: () => Promise<void> } = {},
): Promise<void> {
  const pause = options.pause ?? timeSlicer();
  const expected = v.known.reduce((a, b) => a + b, 0);
  await index.ensureCollection(v.version, { dimension: v.dim, distance: "dot" });
  const info = await index.describe(v.version);
  if (info?.count !== expected) {
    const batch: VectorPoint[] = [];
    for (let i = 0; i < catalog.size; i++) {
      if (!v.known[i]) continue;
      const price = catalog.price[i];
      batch.push({
        id: catalog.ids[i],
        vector: v.items.subarray(i * v.dim, (i + 1) * v.dim),
        payload: { category: catalog.categoryName(i), available: true, ...(Number.isNaN(price) ? {} : { price }) },
      });
      if (batch.length === 1000) {
        await index.upsert(v.version, batch.splice(0));
        await pause();
      }
    }
    if (batch.length > 0) await index.upsert(v.version, batch);
    log("recsys: item vectors upserted", { version: v.version, count: expected, dim: v.dim });
  }
  // Adapters with an ANN index built in-process (the memory one's IVF) build it now, not on the first query.
  const buildable = index as VectorIndex & Partial<InProcessAnnIndex>;
  await pause();
  if (
    typeof buildable.buildIndex === "function" &&
    (await buildable.buildIndex(v.version, { pause })) &&
    typeof buildable.calibrateNprobe === "function"
  ) {
    // Probe as few lists as keep recall@k >= 0.95 against the exact scan, measured on queries shaped like
    // serving's: the default nprobe is sized for 1M points and scanned ~a quarter of the data at 30k.
    // Exact ground truth costs N x dim per query, so fewer queries on big collections (about 3 s at 1M x 32).
    await pause();
    const t0 = performance.now();
    const n = Math.max(50, Math.min(200, Math.round(2e9 / (Math.max(1, expected) * v.dim))));
    const k = vectorSearchK(DEFAULT_BUDGETS.vector.count);
    const cal = await buildable.calibrateNprobe(v.version, interestQueries(v, catalog, n, 1), {
      k,
      targetRecall: 0.95,
      pause,
    });
    if (cal)
      log("recsys: vector index nprobe calibrated", {
        version: v.version,
        nprobe: cal.nprobe,
        nlist: cal.nlist,
        recall: Math.round(cal.recall * 1000) / 1000,
        recallLower: Math.round(cal.lower * 1000) / 1000,
        k,
        queries: cal.queries,
        ms: Math.round(performance.now() - t0),
      });
  }
  if (options.setLive !== false) await index.setLive(v.version);
}

/** FNV-1a, base36: short stable ids for model-version combinations. */
export function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}
