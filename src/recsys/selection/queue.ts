import type { ModelRegistry, StoredVersion } from "../../ports/model-registry";
import { EVENT_SEQ } from "../learner/metric-names";
import { hasOfflineMetrics } from "./gate";
import type { QueueMarks, SelectionStore } from "./store";

/**
 * The candidate queue of online selection: which registered versions wait for the one experiment slot, in
 * which order, and which are superseded without ever being tried.
 *
 * Two kinds of lineage:
 * - **learner**: versions the learner registered (they carry `learner.eventSeq`). Each retrain is the same
 *   model on a longer log, so the newest untried retrain newer than the live version is the lineage's one
 *   candidate; older untried ones are `superseded` by it (recorded once in the decision log).
 * - **outside**: a version registered any other way (`publish-models`, the simulator, by hand) is a lineage of
 *   its own. Learner retrains never supersede it, and neither does a newer outside version of the same model:
 *   each was registered on purpose, the registry cannot tell whether two outside versions are related, and a
 *   bad one leaves within its first hundred impressions. It enters the queue (a `queued` decision, once) when
 *   selection first sees it newer than the live version, and keeps its place even if a newer version goes
 *   live meanwhile, until it is tried.
 *
 * Order: first in, first out by when an entry started waiting (an outside version: its registration; the
 * learner lineage: its oldest untried retrain since its last try). Fairness: when the last experiment started
 * was an outside version's and a learner retrain waits, the retrain goes next, so a line of outside versions
 * never starves the learner (and an outside version waits at most one learner experiment per entry ahead of
 * it). An experiment that has not decided after `maxImpressionsWhileQueued` ends when others wait (cycle.ts).
 */

export type Lineage = "learner" | "outside";

export const lineageOf = (metrics: Record<string, number>): Lineage =>
  typeof metrics[EVENT_SEQ] === "number" ? "learner" : "outside";

export interface QueueEntry {
  model: string;
  version: StoredVersion;
  lineage: Lineage;
  /** When the entry started waiting (Unix ms): its place in the queue. */
  since: number;
}

export interface ModelQueue {
  /** This model's entries: outside versions oldest first, then the learner lineage's newest retrain. */
  entries: QueueEntry[];
  /** Learner retrains never tried, with a newer one registered: superseded by `by` (not yet recorded). */
  superseded: { version: string; by: string }[];
  /** Outside entries seen for the first time (not yet recorded as queued). */
  newlyQueued: QueueEntry[];
}

/**
 * Plans one model's queue from its versions (newest first), its live version and what selection recorded
 * about them. `learnerExperiments: false` for count models, whose learner versions go live as offline
 * refreshes (cycle.ts `refreshCounts`), not through experiments.
 */
export function planModelQueue(
  model: string,
  versions: readonly StoredVersion[],
  liveVersion: string | null,
  marks: QueueMarks,
  learnerExperiments = true,
): ModelQueue {
  const live = versions.find((v) => v.version === liveVersion);
  const newerThanLive = (v: StoredVersion): boolean => !live || v.createdAt >= live.createdAt;
  const open = (v: StoredVersion): boolean =>
    v.version !== liveVersion && !marks.tried.has(v.version) && !marks.superseded.has(v.version);

  const outside = versions
    .filter((v) => lineageOf(v.metrics) === "outside" && open(v) && (marks.queued.has(v.version) || newerThanLive(v)))
    .map((v): QueueEntry => ({ model, version: v, lineage: "outside", since: v.createdAt }))
    .sort(byWait);
  const out: ModelQueue = {
    entries: outside,
    superseded: [],
    newlyQueued: outside.filter((e) => !marks.queued.has(e.version.version)),
  };
  if (!learnerExperiments) return out;

  const retrains = versions.filter(
    (v) => lineageOf(v.metrics) === "learner" && v.version !== liveVersion && newerThanLive(v),
  );
  const [newest] = retrains;
  if (!newest) return out;
  for (const v of retrains.slice(1)) {
    if (open(v)) out.superseded.push({ version: v.version, by: newest.version });
  }
  if (!open(newest)) return out;
  // The lineage waits since its oldest retrain registered after its last try (or after the live version).
  const lastTried = retrains.findIndex((v) => marks.tried.has(v.version));
  const waiting = lastTried < 0 ? retrains : retrains.slice(0, lastTried);
  const since = waiting[waiting.length - 1].createdAt;
  out.entries = [...outside, { model, version: newest, lineage: "learner", since }];
  return out;
}

function byWait(a: QueueEntry, b: QueueEntry): number {
  return (
    a.since - b.since ||
    a.version.createdAt - b.version.createdAt ||
    a.model.localeCompare(b.model) ||
    a.version.version.localeCompare(b.version.version)
  );
}

/**
 * All models' entries in the order they get the experiment slot: by waiting time, except that a learner
 * retrain goes first when the last experiment started was an outside version's.
 */
export function queueOrder(entries: readonly QueueEntry[], lastStarted: Lineage | null): QueueEntry[] {
  const ordered = [...entries].sort(byWait);
  if (lastStarted !== "outside") return ordered;
  const i = ordered.findIndex((e) => e.lineage === "learner");
  return i <= 0 ? ordered : [ordered[i], ...ordered.slice(0, i), ...ordered.slice(i + 1)];
}

/** True while an entry without offline numbers of its own may still get the learner's assessment. */
export function awaitingAssessment(e: QueueEntry, now: number, assessWaitMs: number): boolean {
  return assessWaitMs > 0 && !hasOfflineMetrics(e.version.metrics) && now - e.version.createdAt < assessWaitMs;
}

/** Versions read per model: the learner prunes to ~13 (keeping queued ones), so this is the whole list. */
export const QUEUE_SCAN = 200;

/**
 * The versions selection's queue still waits for (outside versions not yet tried, and each learner
 * lineage's newest untried retrain), per model: what pruning must keep (the learner's worker loop).
 */
export async function queuedVersions(
  d: { store: SelectionStore; registry: ModelRegistry },
  models: readonly string[],
): Promise<{ model: string; version: string }[]> {
  const out: { model: string; version: string }[] = [];
  for (const model of models) {
    const versions = await d.registry.versions(model, QUEUE_SCAN);
    const marks = await d.store.queueMarks(
      model,
      versions.map((v) => v.version),
    );
    const live = (await d.registry.livePointer(model))?.version ?? null;
    for (const e of planModelQueue(model, versions, live, marks).entries)
      out.push({ model, version: e.version.version });
  }
  return out;
}
