import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Online model selection (src/recsys/selection): champion/challenger experiments, their per-arm outcomes,
 * admin pins and the log of every decision. All of it lives in the database so every Node process, the
 * learner and the Workers see the same experiments and a restart loses nothing.
 */

/** One champion/challenger comparison of a model's versions. `kind = guard` follows a promotion. */
export const modelExperiments = sqliteTable(
  "model_experiments",
  {
    id: text("id").primaryKey(),
    model: text("model").notNull(),
    /** `challenge`: a new version against the live one; `guard`: the newly promoted one against its predecessor. */
    kind: text("kind", { enum: ["challenge", "guard"] }).notNull(),
    champion: text("champion").notNull(),
    challenger: text("challenger").notNull(),
    status: text("status", { enum: ["running", "promoted", "rejected", "rolled_back", "ended", "aborted"] }).notNull(),
    /** Share of first feed pages served by the challenger arm (the bandit's current allocation). */
    share: real("share").notNull(),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at"),
    reason: text("reason"),
    /** The offline gate's numbers when it started (JSON). */
    offline: text("offline", { mode: "json" }).$type<Record<string, number>>(),
  },
  (t) => [index("model_experiments_status_idx").on(t.status, t.model)],
);

/** Outcomes per experiment arm, folded from the event log (impressions, clicks, purchases) and from serving (errors, latency). */
export const modelArmStats = sqliteTable(
  "model_arm_stats",
  {
    experimentId: text("experiment_id").notNull(),
    arm: text("arm", { enum: ["champion", "challenger"] }).notNull(),
    /** Feed pages served by this arm (first pages). */
    requests: integer("requests").notNull().default(0),
    impressions: integer("impressions").notNull().default(0),
    clicks: integer("clicks").notNull().default(0),
    purchases: integer("purchases").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    latencyMsSum: real("latency_ms_sum").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.experimentId, t.arm] })],
);

/**
 * Which arm put each shown item of an experiment's feed page there (interleaving credits clicks per item):
 * clicks name a recommendation id `<snapshot>.<position>`, looked up here. Pruned after a day.
 */
export const modelSnapshotArms = sqliteTable(
  "model_snapshot_arms",
  {
    snapshotId: text("snapshot_id").notNull(),
    position: integer("position").notNull(),
    experimentId: text("experiment_id").notNull(),
    arm: text("arm", { enum: ["champion", "challenger"] }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.snapshotId, t.position] }),
    index("model_snapshot_arms_created_idx").on(t.createdAt),
  ],
);

/** An admin's pin: selection leaves the model on this version until the pin is removed. */
export const modelPins = sqliteTable("model_pins", {
  model: text("model").primaryKey(),
  version: text("version").notNull(),
  pinnedBy: text("pinned_by").notNull(),
  pinnedAt: integer("pinned_at").notNull(),
  reason: text("reason").notNull(),
});

/** Every selection decision, with its numbers and reason (the admin models page shows this log). */
export const modelDecisions = sqliteTable(
  "model_decisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ts: integer("ts").notNull(),
    model: text("model").notNull(),
    action: text("action").notNull(),
    fromVersion: text("from_version"),
    toVersion: text("to_version"),
    experimentId: text("experiment_id"),
    reason: text("reason").notNull(),
    numbers: text("numbers", { mode: "json" }).$type<Record<string, unknown>>(),
    /** `selection` (automatic) or the admin's user id. */
    actor: text("actor").notNull(),
  },
  (t) => [index("model_decisions_model_ts_idx").on(t.model, t.ts)],
);

/** Small key/value state of the selection cycle (the event-log position it has folded up to). */
export const modelSelectionState = sqliteTable("model_selection_state", {
  key: text("key").primaryKey(),
  value: integer("value").notNull(),
});
