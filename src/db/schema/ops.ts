import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Every run of the scheduler Worker, so operators can see what the cron did and when. */
export const schedulerRuns = sqliteTable(
  "scheduler_runs",
  {
    id: text("id").primaryKey(),
    cron: text("cron").notNull(),
    scheduledAt: integer("scheduled_at").notNull(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
    status: text("status", { enum: ["running", "ok", "error"] }).notNull(),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index("scheduler_runs_started_idx").on(t.startedAt),
    // Learner runs by kind and status: every pod's /metrics reads them (src/ops/learner-runs.ts).
    index("scheduler_runs_cron_status_idx").on(t.cron, t.status),
  ],
);

/** Ingest runs with their final report, for auditing what was loaded from which file. */
export const ingestRuns = sqliteTable("ingest_runs", {
  id: text("id").primaryKey(),
  source: text("source").notNull(),
  format: text("format").notNull(),
  startedAt: integer("started_at").notNull(),
  finishedAt: integer("finished_at"),
  report: text("report", { mode: "json" }).$type<Record<string, unknown>>(),
});

/**
 * Leases: one holder at a time for work that must run once per deployment (online model selection, the
 * learner, re-embedding), whichever process (pod, cluster worker, scheduler Worker, CronJob) asks. Taken and
 * extended with one conditional upsert; times are the database's clock (ms), so holders' clocks never meet
 * (src/adapters/lease/libsql.ts). `epoch` grows at every change of holder: work can tell it held throughout.
 */
export const leases = sqliteTable("leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  epoch: integer("epoch").notNull(),
  acquiredAt: integer("acquired_at").notNull(),
  renewedAt: integer("renewed_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
});
