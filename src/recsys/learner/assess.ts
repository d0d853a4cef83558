import type { EventLog } from "../../ports/event-log";
import type { ModelRegistry, RegisteredArtifact } from "../../ports/model-registry";
import type { ItemCatalog } from "../catalog";
import { LinearRanker } from "../feed/rank";
import { artifactRanker, evaluate, type QualityMetrics, qualityMetrics, windowCases } from "./evaluate";
import { evaluateRanker, labelPages, pagePropensities, readImpressionPages } from "./ranker-learn";
import { ASSESSED_AT, EVENT_SEQ, TRAINED_TO } from "./metric-names";
import type { TrainingLog } from "./training-log";

/**
 * The offline assessment of versions the learner did not train (a version published by `npm run train` /
 * `publish-models`, or registered by hand): before the selection cycle gives such a challenger live traffic,
 * the learner scores it on the same recent window it scores its own versions on, against the live version,
 * and records the numbers on the version (`ModelRegistry.annotate`). The offline gate then reads them like
 * any learner metrics: a challenger clearly worse than the champion on this marketplace's own recent events
 * never reaches a shopper, however it was registered.
 */

export { ASSESSED_AT, EVENT_SEQ, TRAINED_TO };

/** The last event seq a version was trained on, when it recorded one (learner and bootstrap versions do). */
export function trainedTo(metrics: Record<string, number>): number | undefined {
  const v = metrics[TRAINED_TO] ?? metrics[EVENT_SEQ];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/**
 * Where a window evaluation against `live` begins: the newest-window cut, but never before the end of the
 * live version's own training data (scored on events it was trained on, it would look far better than it
 * is). Unknown training data: the cut, and the numbers say the live side may be in sample.
 */
export function windowFrom(cut: number, live: RegisteredArtifact | null): { from: number; liveOutOfSample: boolean } {
  const t = live ? trainedTo(live.metrics) : undefined;
  if (t === undefined) return { from: cut, liveOutOfSample: live === null };
  return { from: Math.max(cut, t + 1), liveOutOfSample: true };
}

export interface AssessDeps {
  registry: ModelRegistry;
  events: EventLog;
  log: TrainingLog;
  catalog: ItemCatalog;
  now: () => number;
  progress: (msg: string) => void;
}

export interface AssessOptions {
  models: readonly string[];
  /** Start of the newest window (TrainingLog.windowStart). */
  cut: number;
  evalCases: number;
  rankerMaxImpressions: number;
  labelHorizonMs: number;
}

export interface Assessment {
  model: string;
  version: string;
  status: "assessed" | "skipped" | "failed";
  metrics?: Record<string, number>;
  reason?: string;
}

/**
 * Assesses, per model, the oldest unassessed version registered outside the learner and newer than the live
 * one: the head of selection's queue (selection/queue.ts tries such versions first in, first out), so the one
 * selection tries next is the one scored first. Learner versions carry their window metrics from registration
 * (the bootstrap's its training position: what the learner builds on); assessed ones carry ASSESSED_AT.
 */
export async function assessChallengers(d: AssessDeps, o: AssessOptions): Promise<Assessment[]> {
  const out: Assessment[] = [];
  for (const model of o.models) {
    const live = await d.registry.live(model).catch(() => null);
    // Oldest first (the queue's order). 200: learner retrains land every cycle while an outside version
    // waits (pruning keeps queued versions). One assessment per model and cycle; a version whose artifact
    // does not load is passed over (selection rejects it on its own load check), so it blocks no one.
    const waiting = (await d.registry.versions(model, 200))
      .filter(
        (v) =>
          v.version !== live?.version &&
          (!live || v.createdAt >= live.createdAt) &&
          trainedTo(v.metrics) === undefined &&
          !("eval.cases" in v.metrics || ASSESSED_AT in v.metrics),
      )
      .reverse();
    for (const head of waiting) {
      try {
        const candidate = await d.registry.load(model, head.version);
        d.progress(`${model}: assessing ${head.version}, registered without window metrics`);
        const metrics =
          model === "ranker" ? await assessRanker(d, o, candidate, live) : assessRecall(d, o, candidate, live);
        // Nothing to score it on yet (no events or labelled pages in the window): asked again next cycle, and
        // selection keeps waiting (up to its assessWaitMs) rather than reading an empty window as a pass.
        if (!metrics["eval.cases"]) {
          out.push({ model, version: head.version, status: "skipped", reason: "no cases in the recent window yet" });
          break;
        }
        const stamped = { ...metrics, [ASSESSED_AT]: d.now() };
        await d.registry.annotate(model, head.version, stamped);
        out.push({ model, version: head.version, status: "assessed", metrics: stamped });
        break;
      } catch (err) {
        // Not annotated: selection's own load check rejects an artifact that does not load.
        out.push({ model, version: head.version, status: "failed", reason: (err as Error).message });
      }
    }
  }
  return out;
}

function assessRecall(
  d: AssessDeps,
  o: AssessOptions,
  candidate: RegisteredArtifact,
  live: RegisteredArtifact | null,
): Record<string, number> {
  const { from, liveOutOfSample } = windowFrom(o.cut, live);
  const cases = from > 0 ? windowCases(d.log, from, o.evalCases) : [];
  const quality = evaluate(cases, artifactRanker(candidate.artifact, d.catalog));
  const liveQ = live ? evaluate(cases, artifactRanker(live.artifact, d.catalog)) : null;
  return {
    ...qualityMetrics(quality, liveQ),
    "eval.fromSeq": from,
    "eval.liveOutOfSample": liveOutOfSample ? 1 : 0,
    // Trained elsewhere, it may have seen these events: a reader can discount a win (never a loss).
    "eval.challengerOutOfSample": 0,
  };
}

async function assessRanker(
  d: AssessDeps,
  o: AssessOptions,
  candidate: RegisteredArtifact,
  live: RegisteredArtifact | null,
): Promise<Record<string, number>> {
  const challenger = LinearRanker.fromArtifact(candidate.artifact, candidate.version);
  const read = await readImpressionPages(d.events, d.log, { max: o.rankerMaxImpressions });
  // Only pages the training log can label: one logged after the log's last event has its clicks outside
  // it, and under steady traffic the newest 20% (the test slice) would all be such pages: no cases, ever.
  const pages = read.pages.filter((p) => p.seq <= d.log.lastSeq);
  labelPages(pages, d.log, o.labelHorizonMs);
  const propensity = pagePropensities(pages);
  // The newest 20% of logged pages, as the learner's own ranker holdout.
  const test = pages.slice(Math.floor(pages.length * 0.8));
  const quality = evaluateRanker(test, propensity, challenger);
  let liveQ: QualityMetrics | null = null;
  if (live)
    try {
      liveQ = evaluateRanker(test, propensity, LinearRanker.fromArtifact(live.artifact, live.version));
    } catch {
      liveQ = null; // a live ranker of another feature layout cannot be compared
    }
  return { ...qualityMetrics(quality, liveQ), "eval.fromSeq": test[0]?.seq ?? 0 };
}
