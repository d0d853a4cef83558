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
export async function runWithBudget(source: RecallSource, base: Omit<RecallContext, "signal">, budget: SourceBudget, parent?: AbortSignal): Promise<SourceOutcome> {
  const started = performance.now();
  const controller = new AbortController();
  const onParentAbort = (): void => controller.abort(parent?.reason);
  parent?.addEventListener("abort", onParentAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`${source.name} exceeded ${budget.timeoutMs} ms`));
      resolve("timeout");
    }, budget.timeoutMs);
  });
  try {
    const winner = await Promise.race([source.run({ ...base, signal: controller.signal }, budget.count), late]);
    const ms = performance.now() - started;
    if (winner === "timeout") return { source: source.name, ok: false, reason: "timeout", error: `exceeded ${budget.timeoutMs} ms`, ms };
    return { source: source.name, ok: true, result: winner, ms };
  } catch (err) {
    return { source: source.name, ok: false, reason: "error", error: err instanceof Error ? err.message : String(err), ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener("abort", onParentAbort);
  }
}
