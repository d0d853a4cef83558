import type { VectorIndex } from "../../../ports/vector-index";
import type { ServingModels } from "../../models/serving-models";
import type { MarketplacePort } from "../../../ports/marketplace";
import type { SourceName, SourceResult } from "../candidates";

/** What every recall source sees. Histories are catalog indices, NEWEST first. */
export interface RecallContext {
  models: ServingModels;
  vectors: VectorIndex;
  marketplace: MarketplacePort;
  history: readonly number[];
  /** Per-position weights of `history` (default: each source's own recency decay). */
  historyWeights?: readonly number[];
  /** Items no source should spend its count budget on (seen, hidden, bought, own). */
  exclude: ReadonlySet<number>;
  /** User's category shares (code -> share), for category-aware trending. */
  affinity: ReadonlyMap<number, number>;
  now: number;
  signal: AbortSignal;
}

export interface RecallSource {
  name: SourceName;
  run(ctx: RecallContext, count: number): Promise<SourceResult>;
  /**
   * The same result computed synchronously, for sources that only read in-memory models. runWithBudget
   * calls it directly: no timer, race or signal (a timer cannot fire while synchronous code runs, so for
   * these the budget is checked when they return), which was ~5% of a feed request's CPU for four sources.
   */
  runSync?(ctx: Omit<RecallContext, "signal">, count: number): SourceResult;
}

/** A source over in-memory models: `run` is `runSync` wrapped in a promise. */
export function inMemorySource(
  name: SourceName,
  runSync: (ctx: Omit<RecallContext, "signal">, count: number) => SourceResult,
): RecallSource {
  return { name, runSync, run: async (ctx, count) => runSync(ctx, count) };
}

export function emptyResult(source: SourceName): SourceResult {
  return { source, items: new Int32Array(0), scores: new Float32Array(0), anchors: new Int32Array(0) };
}

/** Top `n` of a score map, best first (ties: lower index), dropping excluded items. */
export function topOfMap(
  source: SourceName,
  acc: ReadonlyMap<number, number>,
  n: number,
  exclude: ReadonlySet<number>,
  anchors?: ReadonlyMap<number, number>,
): SourceResult {
  const entries: [number, number][] = [];
  for (const e of acc) if (!exclude.has(e[0]) && e[1] > 0) entries.push(e);
  entries.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const top = entries.slice(0, n);
  return {
    source,
    items: Int32Array.from(top, (e) => e[0]),
    scores: Float32Array.from(top, (e) => e[1]),
    anchors: Int32Array.from(top, (e) => anchors?.get(e[0]) ?? -1),
  };
}
