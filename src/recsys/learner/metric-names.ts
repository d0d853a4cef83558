/**
 * Metric names the learner records on the versions it registers, read back by the selection module (which
 * runs in the scheduler Worker too): kept in a module with no imports, so reading a name never bundles a
 * trainer. `assess.ts` re-exports them.
 */

/** The last event seq a version was trained on: present on every learner (and bootstrap) version. */
export const EVENT_SEQ = "learner.eventSeq";
/** The last event seq a version was trained on, when it is not `learner.eventSeq` (embeddings hold a window out). */
export const TRAINED_TO = "learner.trainedToSeq";
/** Metric name marking an assessed version (its value: when, Unix ms). */
export const ASSESSED_AT = "eval.assessedAt";

/** Every bookkeeping metric the learner (and the start-up bootstrap) records, read back to plan its next cycle. */
export const LEARNER_METRICS = {
  eventSeq: EVENT_SEQ,
  fullSeq: "learner.fullSeq",
  fullAt: "learner.fullAt",
  full: "learner.full",
  impressionSeq: "learner.impressionSeq",
} as const;
