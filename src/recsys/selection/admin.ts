import type { ModelRegistry } from "../../ports/model-registry";
import { type Interval, probChallengerBetter, rateInterval, relativeLift } from "./bandit";
import type { Arm } from "./interleave";
import { previousVersions } from "./previous-versions";
import type { ArmStats, Decision, Experiment, Pin, SelectionStore } from "./store";

export interface ArmView extends ArmStats {
  ctr: Interval;
  meanLatencyMs: number | null;
  errorRate: number | null;
}

export interface ExperimentView {
  id: string;
  model: string;
  kind: Experiment["kind"];
  status: Experiment["status"];
  champion: string;
  challenger: string;
  /** The challenger's current share of interleaved slots (0 once ended). */
  share: number;
  startedAt: number;
  endedAt: number | null;
  reason: string | null;
  offline: Record<string, number> | null;
  arms: Record<Arm, ArmView>;
  pChallengerBetter: number;
  lift: Interval;
}

export interface ModelView {
  model: string;
  live: { version: string; since: number; reason: string } | null;
  pin: Pin | null;
  versions: { version: string; createdAt: number; metrics: Record<string, number> }[];
}

export type ActionResult =
  | { ok: true; from: string | null; to: string }
  | { ok: false; code: "unknown_version" | "no_previous_version" };

/** What `GET /v1/admin/models` shows and what admins may do by hand (pin, unpin, roll back). */
export class ModelAdmin {
  constructor(
    private readonly o: {
      store: SelectionStore;
      registry: ModelRegistry;
      now: () => number;
      models: readonly string[];
    },
  ) {}

  async overview(limits: { versions?: number; experiments?: number; decisions?: number } = {}) {
    const pins = new Map((await this.o.store.pins()).map((p) => [p.model, p]));
    const models: ModelView[] = [];
    for (const model of this.o.models) {
      const pointer = await this.o.registry.livePointer(model);
      const versions = await this.o.registry.versions(model, limits.versions ?? 10);
      models.push({
        model,
        live: pointer ? { version: pointer.version, since: pointer.updatedAt, reason: pointer.reason } : null,
        pin: pins.get(model) ?? null,
        versions: versions.map((v) => ({ version: v.version, createdAt: v.createdAt, metrics: v.metrics })),
      });
    }
    const experiments: ExperimentView[] = [];
    for (const e of await this.o.store.experiments(limits.experiments ?? 20)) {
      experiments.push(viewOf(e, await this.o.store.armStats(e.id)));
    }
    const decisions: Decision[] = await this.o.store.decisions(limits.decisions ?? 50);
    return { models, experiments, decisions };
  }

  /** Holds `model` on `version` (which must exist) until unpinned; ends its running experiments. */
  async pin(model: string, version: string, by: string, reason: string): Promise<ActionResult> {
    if (!(await this.exists(model, version))) return { ok: false, code: "unknown_version" };
    const from = (await this.o.registry.livePointer(model))?.version ?? null;
    await this.o.store.setPin({ model, version, pinnedBy: by, pinnedAt: this.o.now(), reason });
    await this.o.registry.setLive(model, version, `pinned by admin ${by}: ${reason}`);
    await this.endRunning(model, `aborted: ${model} pinned to ${version}`);
    await this.log(model, "pinned", reason, from, version, by);
    return { ok: true, from, to: version };
  }

  async unpin(model: string, by: string): Promise<boolean> {
    const removed = await this.o.store.removePin(model);
    if (removed) await this.log(model, "unpinned", "pin removed; selection resumes", null, null, by);
    return removed;
  }

  /**
   * Points `model` back at `version`, or at the version that served before the current one (the newest
   * complete version older than it). Running experiments of the model end; the decision is logged.
   */
  async rollback(model: string, by: string, reason: string, version?: string): Promise<ActionResult> {
    const pointer = await this.o.registry.livePointer(model);
    let target = version;
    if (target === undefined) {
      const older = await previousVersions(this.o.registry, model, pointer?.version ?? null);
      if (older.length === 0) return { ok: false, code: "no_previous_version" };
      target = older[0].version;
    } else if (!(await this.exists(model, target))) return { ok: false, code: "unknown_version" };
    await this.o.registry.setLive(model, target, `rolled back by admin ${by}: ${reason}`);
    await this.endRunning(model, `aborted: rolled back by hand to ${target}`);
    await this.log(model, "rolled_back", reason, pointer?.version ?? null, target, by);
    return { ok: true, from: pointer?.version ?? null, to: target };
  }

  private async exists(model: string, version: string): Promise<boolean> {
    try {
      await this.o.registry.load(model, version);
      return true;
    } catch {
      return false;
    }
  }

  private async endRunning(model: string, reason: string): Promise<void> {
    for (const e of await this.o.store.running()) {
      if (e.model === model) await this.o.store.end(e.id, "aborted", reason, this.o.now());
    }
  }

  private log(model: string, action: string, reason: string, from: string | null, to: string | null, by: string) {
    return this.o.store.decide({
      ts: this.o.now(),
      model,
      action,
      fromVersion: from,
      toVersion: to,
      experimentId: null,
      reason,
      numbers: null,
      actor: by,
    });
  }
}

function armView(s: ArmStats): ArmView {
  return {
    ...s,
    ctr: rateInterval(s),
    meanLatencyMs: s.requests > 0 ? s.latencyMsSum / s.requests : null,
    errorRate: s.requests > 0 ? s.errors / s.requests : null,
  };
}

function viewOf(e: Experiment, s: Record<Arm, ArmStats>): ExperimentView {
  return {
    id: e.id,
    model: e.model,
    kind: e.kind,
    status: e.status,
    champion: e.champion,
    challenger: e.challenger,
    share: e.status === "running" ? e.share : 0,
    startedAt: e.startedAt,
    endedAt: e.endedAt ?? null,
    reason: e.reason ?? null,
    offline: e.offline ?? null,
    arms: { champion: armView(s.champion), challenger: armView(s.challenger) },
    pChallengerBetter: probChallengerBetter(s.champion, s.challenger),
    lift: relativeLift(s.champion, s.challenger),
  };
}
