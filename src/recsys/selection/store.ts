import { and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import type { Database } from "../../db/database";
import {
  modelArmStats,
  modelDecisions,
  modelExperiments,
  modelPins,
  modelSelectionState,
  modelSnapshotArms,
} from "../../db/schema/selection";
import type { Arm } from "./interleave";

export type Experiment = typeof modelExperiments.$inferSelect;
export type ExperimentStatus = Experiment["status"];
export type Decision = typeof modelDecisions.$inferSelect;
export type Pin = typeof modelPins.$inferSelect;

export interface ArmStats {
  requests: number;
  impressions: number;
  clicks: number;
  purchases: number;
  errors: number;
  latencyMsSum: number;
}

/** Versions of one model selection has settled (never offered again) or put in its queue. */
export interface QueueMarks {
  tried: Set<string>;
  superseded: Set<string>;
  queued: Set<string>;
}

export const EMPTY_ARM: ArmStats = { requests: 0, impressions: 0, clicks: 0, purchases: 0, errors: 0, latencyMsSum: 0 };

/** Selection state in the database (drizzle over the app's libSQL client; every process shares it). */
export class SelectionStore {
  constructor(private readonly db: Database) {}

  running(): Promise<Experiment[]> {
    return this.db.select().from(modelExperiments).where(eq(modelExperiments.status, "running"));
  }

  async experiment(id: string): Promise<Experiment | null> {
    const rows = await this.db.select().from(modelExperiments).where(eq(modelExperiments.id, id));
    return rows[0] ?? null;
  }

  experiments(limit = 50): Promise<Experiment[]> {
    return this.db.select().from(modelExperiments).orderBy(desc(modelExperiments.startedAt)).limit(limit);
  }

  /**
   * Whether `version` of `model` was ever a challenger, or was rolled back from live by selection (a failing
   * deploy): each version is tried once, and one that failed live is not offered traffic again (an admin can
   * still pin it).
   */
  async tried(model: string, version: string): Promise<boolean> {
    const rolledBack = await this.db
      .select({ id: modelDecisions.id })
      .from(modelDecisions)
      .where(
        and(
          eq(modelDecisions.model, model),
          eq(modelDecisions.fromVersion, version),
          inArray(modelDecisions.action, ["rolled_back", "broken"]),
          eq(modelDecisions.actor, "selection"),
        ),
      )
      .limit(1);
    if (rolledBack.length > 0) return true;
    const rows = await this.db
      .select({ id: modelExperiments.id })
      .from(modelExperiments)
      .where(
        and(
          eq(modelExperiments.model, model),
          eq(modelExperiments.challenger, version),
          eq(modelExperiments.kind, "challenge"),
        ),
      )
      .limit(1);
    return rows.length > 0;
  }

  /**
   * What selection already settled about these versions of `model` (the queue's memory, in two reads):
   * `tried` as `tried()` says; `superseded` and `queued`: the decisions of those names selection recorded.
   */
  async queueMarks(model: string, versions: readonly string[]): Promise<QueueMarks> {
    const marks: QueueMarks = { tried: new Set(), superseded: new Set(), queued: new Set() };
    for (let i = 0; i < versions.length; i += 200) {
      const chunk = versions.slice(i, i + 200);
      const challenged = await this.db
        .select({ version: modelExperiments.challenger })
        .from(modelExperiments)
        .where(
          and(
            eq(modelExperiments.model, model),
            eq(modelExperiments.kind, "challenge"),
            inArray(modelExperiments.challenger, chunk),
          ),
        );
      for (const r of challenged) marks.tried.add(r.version);
      const decided = await this.db
        .select({ action: modelDecisions.action, from: modelDecisions.fromVersion, to: modelDecisions.toVersion })
        .from(modelDecisions)
        .where(
          and(
            eq(modelDecisions.model, model),
            eq(modelDecisions.actor, "selection"),
            or(
              and(
                inArray(modelDecisions.action, ["rolled_back", "broken"]),
                inArray(modelDecisions.fromVersion, chunk),
              ),
              and(inArray(modelDecisions.action, ["superseded", "queued"]), inArray(modelDecisions.toVersion, chunk)),
            ),
          ),
        );
      for (const r of decided) {
        if (r.action === "superseded" && r.to) marks.superseded.add(r.to);
        else if (r.action === "queued" && r.to) marks.queued.add(r.to);
        else if (r.from) marks.tried.add(r.from);
      }
    }
    return marks;
  }

  /** The newest `experiment_started` decision (any model): whose turn it was last (the queue's fairness). */
  async lastStarted(): Promise<Decision | null> {
    const rows = await this.db
      .select()
      .from(modelDecisions)
      .where(and(eq(modelDecisions.action, "experiment_started"), eq(modelDecisions.actor, "selection")))
      .orderBy(desc(modelDecisions.id))
      .limit(1);
    return rows[0] ?? null;
  }

  async createExperiment(e: typeof modelExperiments.$inferInsert): Promise<void> {
    await this.db.insert(modelExperiments).values(e);
  }

  async setShare(id: string, share: number): Promise<void> {
    await this.db.update(modelExperiments).set({ share }).where(eq(modelExperiments.id, id));
  }

  async end(id: string, status: ExperimentStatus, reason: string, at: number): Promise<void> {
    await this.db.update(modelExperiments).set({ status, reason, endedAt: at }).where(eq(modelExperiments.id, id));
  }

  async armStats(experimentId: string): Promise<Record<Arm, ArmStats>> {
    const rows = await this.db.select().from(modelArmStats).where(eq(modelArmStats.experimentId, experimentId));
    const out: Record<Arm, ArmStats> = { champion: { ...EMPTY_ARM }, challenger: { ...EMPTY_ARM } };
    for (const r of rows) {
      const { experimentId: _, arm, ...counts } = r;
      out[arm] = counts;
    }
    return out;
  }

  /** Adds counts to an arm (one upsert: concurrent writers from several processes never lose an increment). */
  async addArmStats(experimentId: string, arm: Arm, d: Partial<ArmStats>): Promise<void> {
    const v = { ...EMPTY_ARM, ...d };
    await this.db
      .insert(modelArmStats)
      .values({ experimentId, arm, ...v })
      .onConflictDoUpdate({
        target: [modelArmStats.experimentId, modelArmStats.arm],
        set: {
          requests: sql`${modelArmStats.requests} + ${v.requests}`,
          impressions: sql`${modelArmStats.impressions} + ${v.impressions}`,
          clicks: sql`${modelArmStats.clicks} + ${v.clicks}`,
          purchases: sql`${modelArmStats.purchases} + ${v.purchases}`,
          errors: sql`${modelArmStats.errors} + ${v.errors}`,
          latencyMsSum: sql`${modelArmStats.latencyMsSum} + ${v.latencyMsSum}`,
        },
      });
  }

  async recordSnapshotArms(rows: (typeof modelSnapshotArms.$inferInsert)[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) {
      await this.db
        .insert(modelSnapshotArms)
        .values(rows.slice(i, i + 200))
        .onConflictDoNothing();
    }
  }

  /** Arms of shown recommendations, keyed `<snapshot>.<position>`. */
  async snapshotArms(snapshotIds: readonly string[]): Promise<Map<string, { experimentId: string; arm: Arm }>> {
    const out = new Map<string, { experimentId: string; arm: Arm }>();
    for (let i = 0; i < snapshotIds.length; i += 200) {
      const rows = await this.db
        .select()
        .from(modelSnapshotArms)
        .where(inArray(modelSnapshotArms.snapshotId, snapshotIds.slice(i, i + 200)));
      for (const r of rows) out.set(`${r.snapshotId}.${r.position}`, { experimentId: r.experimentId, arm: r.arm });
    }
    return out;
  }

  async pruneSnapshotArms(olderThan: number): Promise<void> {
    await this.db.delete(modelSnapshotArms).where(lt(modelSnapshotArms.createdAt, olderThan));
  }

  async decide(d: typeof modelDecisions.$inferInsert): Promise<void> {
    await this.db.insert(modelDecisions).values(d);
  }

  decisions(limit = 100, model?: string): Promise<Decision[]> {
    const q = this.db.select().from(modelDecisions);
    return (model ? q.where(eq(modelDecisions.model, model)) : q).orderBy(desc(modelDecisions.id)).limit(limit);
  }

  async pin(model: string): Promise<Pin | null> {
    const rows = await this.db.select().from(modelPins).where(eq(modelPins.model, model));
    return rows[0] ?? null;
  }

  pins(): Promise<Pin[]> {
    return this.db.select().from(modelPins);
  }

  async setPin(p: Pin): Promise<void> {
    await this.db
      .insert(modelPins)
      .values(p)
      .onConflictDoUpdate({
        target: modelPins.model,
        set: { version: p.version, pinnedBy: p.pinnedBy, pinnedAt: p.pinnedAt, reason: p.reason },
      });
  }

  async removePin(model: string): Promise<boolean> {
    const rows = await this.db.delete(modelPins).where(eq(modelPins.model, model)).returning();
    return rows.length > 0;
  }

  async cursor(key: string): Promise<number> {
    const rows = await this.db.select().from(modelSelectionState).where(eq(modelSelectionState.key, key));
    return rows[0]?.value ?? 0;
  }

  async setCursor(key: string, value: number): Promise<void> {
    await this.db
      .insert(modelSelectionState)
      .values({ key, value })
      .onConflictDoUpdate({ target: modelSelectionState.key, set: { value } });
  }
}
