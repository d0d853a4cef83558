import type { SourceName, SourceResult } from "../candidates";
import type { RecallContext, RecallSource } from "./types";

export interface SourceBudget {
  timeoutMs: number;
  count: number;
}

export type SourceOutcome =
  | { source: SourceName; ok: true; result: SourceResult; ms: number }
  | { source: SourceName; ok: false; reason: "timeout" | "error"; error: string; ms: number };

/**
 * Runs one source under its budget: the count is passed in, the time is enforced with an AbortSignal
 * (for sources that can stop early) and a race against a timer (for those that cannot). A source that
 * throws or is late yields an outcome the feed drops, never an exception.
 */
export async function runWithBudget(
  source: RecallSource,
  base: Omit<RecallContext, "signal">,
  budget: SourceBudget,
  parent?: AbortSignal,
): Promise<SourceOutcome> {
  const started = performance.now();
  if (source.runSync) return runSyncWithBudget(source, source.runSync, base, budget, parent, started);
  // The AbortController is made only if the source reads ctx.signal: the in-memory sources never do, and
  // six controllers per feed request were ~3% of its CPU. Abort reasons reach a late-created signal too.
  let controller: AbortController | null = null;
  let abortReason: unknown;
  const signal = (): AbortSignal => {
    if (controller === null) {
      controller = new AbortController();
      if (abortReason !== undefined) controller.abort(abortReason);
    }
    return controller.signal;
  };
  const abort = (reason: unknown): void => {
    abortReason ??= reason;
    controller?.abort(reason);
  };
  const onParentAbort = (): void => abort(parent?.reason);
  parent?.addEventListener("abort", onParentAbort, { once: true });
  if (parent?.aborted) abort(parent.reason);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => {
      abort(new Error(`${source.name} exceeded ${budget.timeoutMs} ms`));
      resolve("timeout");
    }, budget.timeoutMs);
  });
  const ctx = {
    ...base,
    get signal() {
      return signal();
    },
  } as RecallContext;
  try {
    const winner = await Promise.race([source.run(ctx, budget.count), late]);
    const ms = performance.now() - started;
    if (winner === "timeout")
      return { source: source.name, ok: false, reason: "timeout", error: `exceeded ${budget.timeoutMs} ms`, ms };
    return { source: source.name, ok: true, result: winner, ms };
  } catch (err) {
    return {
      source: source.name,
      ok: false,
      reason: "error",
      error: err instanceof Error ? err.message : String(err),
      ms: performance.now() - started,
    };
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener("abort", onParentAbort);
  }
}

/**
 * An in-memory source (RecallSource.runSync): nothing can interrupt it, so it runs to the end and is
 * dropped as late if it took longer than its budget, as an async source answering after its deadline is.
 */
function runSyncWithBudget(
  source: RecallSource,
  runSync: NonNullable<RecallSource["runSync"]>,
  base: Omit<RecallContext, "signal">,
  budget: SourceBudget,
  parent: AbortSignal | undefined,
  started: number,
): SourceOutcome {
  if (parent?.aborted)
    return {
      source: source.name,
      ok: false,
      reason: "error",
      error: String((parent.reason as Error | undefined)?.message ?? parent.reason),
      ms: 0,
    };
  try {
    const result = runSync(base, budget.count);
    const ms = performance.now() - started;
    if (ms > budget.timeoutMs)
      return {
        source: source.name,
        ok: false,
        reason: "timeout",
        error: `exceeded ${budget.timeoutMs} ms (took ${ms.toFixed(1)} ms)`,
        ms,
      };
    return { source: source.name, ok: true, result, ms };
  } catch (err) {
    return {
      source: source.name,
      ok: false,
      reason: "error",
      error: err instanceof Error ? err.message : String(err),
      ms: performance.now() - started,
    };
  }
}
