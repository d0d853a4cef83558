import type { ModelRegistry } from "../../src/ports/model-registry";
import { probChallengerBetter, rateInterval, relativeLift } from "../../src/recsys/selection/bandit";
import { type ArmStats, SelectionStore } from "../../src/recsys/selection/store";
import type { Database } from "../../src/db/database";
import { contrarianRanker } from "../recsys/selection/fixtures";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const arm = (impressions: number, clicks: number): ArmStats => ({
  requests: Math.round(impressions / 10),
  impressions,
  clicks,
  purchases: Math.round(clicks / 8),
  errors: 0,
  latencyMsSum: impressions * 1.8,
});

/** The decision numbers the selection cycle writes (cycle.ts: summarize). */
const numbers = (champion: ArmStats, challenger: ArmStats) => ({
  champion: { ...champion, ctr: rateInterval(champion) },
  challenger: { ...challenger, ctr: rateInterval(challenger) },
  pChallengerBetter: probChallengerBetter(champion, challenger),
  lift: relativeLift(champion, challenger),
});

/**
 * Six days of the ranker's selection history, as the cycle writes it (versions with offline metrics, experiments
 * with per-arm outcomes, decisions with their numbers), ending at `now`: v1 live; v2 beats it and is promoted,
 * then guarded; v3 is rejected; v4 is being tried now. `setClock` moves the registry's clock, so each version is
 * registered at its time. Returns the versions, oldest first.
 */
export async function seedModelHistory(o: {
  db: Database;
  registry: ModelRegistry;
  setClock: (ms: number) => void;
  now: number;
}): Promise<string[]> {
  const { db, registry, now } = o;
  const store = new SelectionStore(db);
  const at = (days: number) => now - days * DAY;
  const versions: string[] = [];
  const offline = [
    [6, 0.081, 0.142],
    [5, 0.088, 0.151],
    [3, 0.079, 0.139],
    [1.4, 0.094, 0.161],
  ] as const;
  for (const [days, ndcg, hr] of offline) {
    o.setClock(at(days));
    versions.push(await registry.register("ranker", contrarianRanker(), { "ndcg@10": ndcg, "hr@10": hr }));
  }
  const [v1, v2, v3, v4] = versions as [string, string, string, string];
  o.setClock(at(6));
  await registry.setLive("ranker", v1, "registered live");

  type Exp = {
    id: string;
    kind: "challenge" | "guard";
    champion: string;
    challenger: string;
    from: number;
    to: number | null;
    status: "promoted" | "ended" | "rejected" | "running";
    share: number;
    arms: [ArmStats, ArmStats];
    decision?: { action: string; reason: string };
  };
  const exps: Exp[] = [
    {
      id: "hist-1",
      kind: "challenge",
      champion: v1,
      challenger: v2,
      from: at(4.9),
      to: at(4),
      status: "promoted",
      share: 0.42,
      arms: [arm(5200, 261), arm(3700, 233)],
      decision: { action: "promoted", reason: "challenger better with P 0.98" },
    },
    {
      id: "hist-2",
      kind: "guard",
      champion: v2,
      challenger: v1,
      from: at(4),
      to: at(3.2),
      status: "ended",
      share: 0.1,
      arms: [arm(8100, 502), arm(900, 45)],
      decision: { action: "kept", reason: "guard passed: no drop after promotion" },
    },
    {
      id: "hist-3",
      kind: "challenge",
      champion: v2,
      challenger: v3,
      from: at(2.9),
      to: at(2),
      status: "rejected",
      share: 0.12,
      arms: [arm(7400, 451), arm(1500, 66)],
      decision: { action: "rejected", reason: "challenger worse with P 0.99" },
    },
    {
      id: "hist-4",
      kind: "challenge",
      champion: v2,
      challenger: v4,
      from: at(1.2),
      to: null,
      status: "running",
      share: 0.3,
      arms: [arm(4100, 250), arm(1800, 124)],
    },
  ];
  for (const e of exps) {
    await store.createExperiment({
      id: e.id,
      model: "ranker",
      kind: e.kind,
      champion: e.champion,
      challenger: e.challenger,
      status: e.status,
      share: e.share,
      startedAt: e.from,
      endedAt: e.to,
      reason: e.decision?.reason ?? null,
    });
    await store.addArmStats(e.id, "champion", e.arms[0]);
    await store.addArmStats(e.id, "challenger", e.arms[1]);
    if (e.decision && e.to !== null) {
      await store.decide({
        ts: e.to,
        model: "ranker",
        action: e.decision.action,
        fromVersion: e.champion,
        toVersion: e.challenger,
        experimentId: e.id,
        reason: e.decision.reason,
        numbers: numbers(e.arms[0], e.arms[1]),
        actor: "selection",
      });
    }
  }
  o.setClock(at(4));
  await registry.setLive("ranker", v2, "promoted by experiment hist-1: challenger better with P 0.98");
  o.setClock(now);
  return versions;
}
