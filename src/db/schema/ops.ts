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
  (t) => [index("scheduler_runs_started_idx").on(t.startedAt)],
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
