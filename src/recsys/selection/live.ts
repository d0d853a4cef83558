import type { Log } from "../models/bootstrap";
import type { ServingModels } from "../models/serving-models";
import type { Arm } from "./interleave";
import type { ArmStats, Experiment, SelectionStore } from "./store";

/** What a feed request needs to serve an experiment: both arms' models and the challenger's share. */
export interface ActiveExperiment {
  id: string;
  model: string;
  kind: Experiment["kind"];
  share: number;
  champion: ServingModels;
  challenger: ServingModels;
  /** Counts a served request of an arm: its compute time and whether it failed (flushed to the database). */
  record(arm: Arm, outcome: { ms: number; error: boolean }): void;
}

export interface ExperimentRouterOptions {
  store: SelectionStore;
  /** The live set with `model` at `version` (selection/variant.ts). */
  loadVariant: (base: ServingModels, model: string, version: string) => Promise<ServingModels>;
  /** The registry version of `model` in the set being served. */
  servedVersion: (model: string) => string | null;
  log: Log;
}

/**
 * The serving side of online selection, one per process: which experiment is running (re-read from the
 * database on every `refresh`, with the models' reload), the challenger arm's models, and the arms'
 * request/error/latency counters, which `flush` adds to `model_arm_stats` (one upsert per arm, so every
 * process's counts add up). Impressions and clicks are not counted here: the selection cycle folds them from
 * the event log, where every process's impressions already are.
 */
export class ExperimentRouter {
  private current: ActiveExperiment | null = null;
  private loadedFor: { id: string; base: ServingModels } | null = null;
  private readonly pending = new Map<string, { experimentId: string; arm: Arm; d: Partial<ArmStats> }>();

  constructor(private readonly o: ExperimentRouterOptions) {}

  /** The experiment to serve now, or null (none running, or this process not yet on its champion). */
  active(): ActiveExperiment | null {
    return this.current;
  }

  /** Follows the database: starts serving a new experiment, updates the share, drops an ended one. */
  async refresh(base: ServingModels): Promise<void> {
    await this.flush();
    const running = await this.o.store.running();
    const e = running[0];
    // Both arms must be the versions the experiment names: after a promotion this process serves the old
    // champion until its reload, and an interleaving of the wrong pair would credit the wrong versions.
    if (!e || this.o.servedVersion(e.model) !== e.champion) {
      this.current = null;
      this.loadedFor = null;
      return;
    }
    if (this.loadedFor?.id === e.id && this.loadedFor.base === base && this.current) {
      this.current.share = e.share;
      return;
    }
    const challenger = await this.o.loadVariant(base, e.model, e.challenger);
    this.loadedFor = { id: e.id, base };
    this.current = {
      id: e.id,
      model: e.model,
      kind: e.kind,
      share: e.share,
      champion: base,
      challenger,
      record: (arm, outcome) => this.count(e.id, arm, outcome),
    };
    this.o.log("selection: serving experiment", {
      id: e.id,
      model: e.model,
      kind: e.kind,
      champion: e.champion,
      challenger: e.challenger,
      share: e.share,
    });
  }

  /**
   * Counts a first page computed on the live models alone, under the live set's key (`liveSetKey`), so the
   * selection cycle sees a live version that starts failing even when no experiment runs.
   */
  recordLive(versions: Record<string, string> | undefined, outcome: { ms: number; error: boolean }): void {
    if (versions) this.count(liveSetKey(versions), "champion", outcome);
  }

  private count(experimentId: string, arm: Arm, outcome: { ms: number; error: boolean }): void {
    const key = `${experimentId}|${arm}`;
    let p = this.pending.get(key);
    if (!p) {
      p = { experimentId, arm, d: {} };
      this.pending.set(key, p);
    }
    p.d.requests = (p.d.requests ?? 0) + 1;
    p.d.errors = (p.d.errors ?? 0) + (outcome.error ? 1 : 0);
    p.d.latencyMsSum = (p.d.latencyMsSum ?? 0) + outcome.ms;
  }

  /** Writes the counters gathered since the last flush. A failed write keeps them for the next one. */
  async flush(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending.clear();
    for (const p of batch) {
      try {
        await this.o.store.addArmStats(p.experimentId, p.arm, p.d);
      } catch (err) {
        for (const [k, v] of Object.entries(p.d) as [keyof ArmStats, number][]) {
          const key = `${p.experimentId}|${p.arm}`;
          const cur = this.pending.get(key) ?? { experimentId: p.experimentId, arm: p.arm, d: {} };
          cur.d[k] = (cur.d[k] ?? 0) + v;
          this.pending.set(key, cur);
        }
        this.o.log("selection: arm counters not written; kept for the next flush", {
          experiment: p.experimentId,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
  }
}

/** The key live-traffic health is counted under: one per combination of live versions. */
export function liveSetKey(versions: Record<string, string | null>): string {
  const parts = Object.keys(versions)
    .sort()
    .map((m) => `${m}@${versions[m] ?? "-"}`);
  return `live:${parts.join("|")}`;
}
