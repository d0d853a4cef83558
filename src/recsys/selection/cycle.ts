import type { EventLog, StoredEvent } from "../../ports/event-log";
import type { ModelRegistry } from "../../ports/model-registry";
import { EVENT_SEQ } from "../learner/metric-names";
import { rotateModel } from "../models/rotation";
import { cautiousShare, probChallengerBetter, rateInterval, relativeLift } from "./bandit";
import { offlineGate } from "./gate";
import type { Arm } from "./interleave";
import { liveSetKey } from "./live";
import { previousVersions } from "./previous-versions";
import { awaitingAssessment, type Lineage, planModelQueue, QUEUE_SCAN, type QueueEntry, queueOrder } from "./queue";
import type { ArmStats, Experiment, SelectionStore } from "./store";

/**
 * One run of autonomous model selection (the learner's cycle on Node, the scheduler Worker's `select` job):
 *
 * 1. Fold new events into each experiment arm's outcomes: impressions of interleaved feed pages (their
 *    context names the experiment and the arm of every item) and clicks/purchases naming a recommendation id.
 * 2. Decide every running experiment from its numbers: promote a challenger the posterior says is better,
 *    reject one it says is worse, or that fails or slows down; otherwise move its traffic share to
 *    Thompson sampling's allocation. A promotion starts a guard period in which the previous version keeps
 *    a small share: an online quality drop, an error-rate or a latency regression of the new one rolls it back.
 * 3. Start an experiment for the next version in the candidate queue (queue.ts: versions registered outside
 *    the learner wait their turn, first in, first out; a learner retrain supersedes only older learner
 *    retrains) when its artifact loads and it passes the offline gate (gate.ts); a pinned model is held on
 *    its pin.
 *
 * Every decision is written to `model_decisions` with its numbers and reason.
 */

export interface SelectionPolicy {
  /** Decisions wait until both arms have this many impressions (promotion) … */
  minImpressionsToPromote: number;
  /** … or the challenger has this many (rejection: a bad version must leave fast). */
  minImpressionsToReject: number;
  promoteProbability: number;
  rejectProbability: number;
  /** An experiment that has not decided after this many impressions ends, the champion kept. */
  maxImpressions: number;
  /**
   * … or after this many while other versions wait in the queue: a challenger ≥ 5% better is decided well
   * within it (issue 14's figure: 20,000), so an undecided one is close to the champion and gives way.
   */
  maxImpressionsWhileQueued: number;
  initialShare: number;
  /** Start share of a challenger without offline metrics to compare (riskier: less traffic). */
  unmeasuredShare: number;
  /**
   * How long a challenger registered without window metrics waits for the learner's assessment
   * (learner/assess.ts) before it may start unmeasured: the learner runs every LEARNER_INTERVAL_SECONDS.
   */
  assessWaitMs: number;
  guardShare: number;
  guardImpressions: number;
  maxErrorRate: number;
  minRequestsForHealth: number;
  /** Latency regression: mean ms per request above the other arm's × factor + slack. */
  latencyFactor: number;
  latencySlackMs: number;
  /** Snapshot arms (click attribution) older than this are deleted. */
  attributionTtlMs: number;
}

export const DEFAULT_SELECTION_POLICY: SelectionPolicy = {
  minImpressionsToPromote: 300,
  minImpressionsToReject: 100,
  promoteProbability: 0.95,
  rejectProbability: 0.05,
  maxImpressions: 100_000,
  maxImpressionsWhileQueued: 20_000,
  initialShare: 0.2,
  // Under the 5% a version nobody has measured may take: it grows only as its clicks earn it (cautiousShare).
  unmeasuredShare: 0.03,
  assessWaitMs: 180_000,
  guardShare: 0.1,
  guardImpressions: 5_000,
  maxErrorRate: 0.05,
  minRequestsForHealth: 20,
  latencyFactor: 2,
  latencySlackMs: 25,
  attributionTtlMs: 24 * 3_600_000,
};

export interface SelectionDeps {
  store: SelectionStore;
  registry: ModelRegistry;
  events: Pick<EventLog, "since">;
  now: () => number;
  newId: () => string;
  /** Models under selection (the serving models). */
  models: readonly string[];
  policy?: Partial<SelectionPolicy>;
  /**
   * Live versions this process has already loaded and verified (`model@version`): each live version is read
   * in full once, not on every run. Omit to verify every live version on every run.
   */
  verified?: Set<string>;
}

/** Records one decision (model, action, reason, versions, numbers) in the log and the run's report. */
type Decide = (
  model: string,
  action: string,
  reason: string,
  extra?: { from?: string | null; to?: string | null; experimentId?: string; numbers?: Record<string, unknown> },
) => Promise<void>;

export interface SelectionReport {
  folded: { events: number; impressions: number; clicks: number };
  decisions: { model: string; action: string; reason: string }[];
}

const CURSOR = "selection.events";
const FOLD_TYPES = ["impression", "click", "cart", "purchase"] as const;

export async function runSelectionCycle(d: SelectionDeps): Promise<SelectionReport> {
  const policy = { ...DEFAULT_SELECTION_POLICY, ...d.policy };
  const report: SelectionReport = { folded: { events: 0, impressions: 0, clicks: 0 }, decisions: [] };
  const decide: Decide = async (model, action, reason, extra = {}) => {
    report.decisions.push({ model, action, reason });
    await d.store.decide({
      ts: d.now(),
      model,
      action,
      fromVersion: extra.from ?? null,
      toVersion: extra.to ?? null,
      experimentId: extra.experimentId ?? null,
      reason,
      numbers: extra.numbers ?? null,
      actor: "selection",
    });
  };

  await foldEvents(d, report);
  await verifyLive(d, decide);
  await checkLiveHealth(d, policy, decide);
  const open = await holdPins(d, decide);
  // Before anything moves a live pointer this cycle: a version seen newer than the live one keeps its place.
  const waiting = await readQueue(d, open, decide);

  for (const e of await d.store.running()) {
    const stats = await d.store.armStats(e.id);
    const verdict = judge(e, stats, policy, waiting.length > 0);
    if (verdict.action === "continue") {
      if (Math.abs(verdict.share - e.share) > 1e-4) await d.store.setShare(e.id, verdict.share);
      continue;
    }
    const numbers = summarize(stats);
    if (verdict.action === "promote") {
      const pin = await d.store.pin(e.model);
      if (pin) {
        await d.store.end(e.id, "ended", `better, but ${e.model} is pinned to ${pin.version}`, d.now());
        await decide(e.model, "held_by_pin", `challenger ${e.challenger} won; pinned to ${pin.version}`, {
          from: e.champion,
          to: e.challenger,
          experimentId: e.id,
          numbers,
        });
        continue;
      }
      await d.registry.setLive(e.model, e.challenger, `promoted by experiment ${e.id}: ${verdict.reason}`);
      await d.store.end(e.id, "promoted", verdict.reason, d.now());
      await decide(e.model, "promoted", verdict.reason, {
        from: e.champion,
        to: e.challenger,
        experimentId: e.id,
        numbers,
      });
      // Guard: the replaced version keeps a small share, so a drop after promotion is measured against it.
      await d.store.createExperiment({
        id: d.newId(),
        model: e.model,
        kind: "guard",
        champion: e.challenger,
        challenger: e.champion,
        status: "running",
        share: policy.guardShare,
        startedAt: d.now(),
        reason: `guard after promoting ${e.challenger}`,
      });
    } else if (verdict.action === "rollback") {
      await d.registry.setLive(e.model, e.challenger, `rolled back by guard ${e.id}: ${verdict.reason}`);
      await d.store.end(e.id, "rolled_back", verdict.reason, d.now());
      await decide(e.model, "rolled_back", verdict.reason, {
        from: e.champion,
        to: e.challenger,
        experimentId: e.id,
        numbers,
      });
    } else {
      await d.store.end(e.id, verdict.action === "reject" ? "rejected" : "ended", verdict.reason, d.now());
      await decide(e.model, verdict.action === "reject" ? "rejected" : "kept", verdict.reason, {
        from: e.champion,
        to: e.challenger,
        experimentId: e.id,
        numbers,
      });
    }
  }

  for (const model of open) if (REFRESHED_OFFLINE.has(model)) await refreshCounts(d, model, decide);
  // One experiment at a time: every arm's traffic is a share of the same feed.
  if ((await d.store.running()).length === 0) await startNext(d, open, policy, decide);

  await d.store.pruneSnapshotArms(d.now() - policy.attributionTtlMs);
  return report;
}

/**
 * Holds pinned models on their pins and points a model without a live pointer at its newest version;
 * returns the models selection may experiment on (unpinned, with a live pointer).
 */
async function holdPins(d: SelectionDeps, decide: Decide): Promise<string[]> {
  const open: string[] = [];
  for (const model of d.models) {
    const pin = await d.store.pin(model);
    const pointer = await d.registry.livePointer(model);
    if (pin) {
      if (pointer?.version !== pin.version) {
        await d.registry.setLive(model, pin.version, `pinned by ${pin.pinnedBy}: ${pin.reason}`);
        await decide(model, "pinned", pin.reason, { from: pointer?.version ?? null, to: pin.version });
      }
      continue;
    }
    if (!pointer) {
      const [newest] = await d.registry.versions(model, 1);
      if (!newest) continue;
      await d.registry.setLive(model, newest.version, "initial pointer at the newest complete version");
      await decide(model, "initialised", "initial pointer at the newest complete version", { to: newest.version });
      continue;
    }
    open.push(model);
  }
  return open;
}

/**
 * The queue over `models` (queue.ts), recording what it learns once: an outside version's entry (`queued`)
 * and a learner retrain superseded before it was tried (`superseded`).
 */
async function readQueue(d: SelectionDeps, models: readonly string[], decide: Decide): Promise<QueueEntry[]> {
  const entries: QueueEntry[] = [];
  for (const model of models) {
    const versions = await d.registry.versions(model, QUEUE_SCAN);
    const marks = await d.store.queueMarks(
      model,
      versions.map((v) => v.version),
    );
    const live = (await d.registry.livePointer(model))?.version ?? null;
    const q = planModelQueue(model, versions, live, marks, !REFRESHED_OFFLINE.has(model));
    for (const s of q.superseded) {
      await decide(model, "superseded", `learner retrain superseded by the newer retrain ${s.by} before it was tried`, {
        from: live,
        to: s.version,
        numbers: { supersededBy: s.by },
      });
    }
    entries.push(...q.entries);
    for (const e of q.newlyQueued) {
      const position = q.entries.indexOf(e) + 1;
      await decide(
        model,
        "queued",
        `registered outside the learner: waits for an experiment (${model} queue position ${position} of ${q.entries.length})`,
        { from: live, to: e.version.version, numbers: { position, registeredAt: e.version.createdAt } },
      );
    }
  }
  return entries;
}

/**
 * Starts an experiment for the first entry of the queue that loads and passes the offline gate (the ones
 * that do not are held, each once). An entry still awaiting the learner's assessment holds the slot (at
 * most `assessWaitMs`): starting the next one would put it behind a whole experiment.
 */
async function startNext(d: SelectionDeps, models: readonly string[], p: SelectionPolicy, decide: Decide) {
  const entries = await readQueue(d, models, decide);
  if (entries.length === 0) return;
  const last = (await d.store.lastStarted())?.numbers?.lineage;
  for (const e of queueOrder(entries, last === "learner" || last === "outside" ? (last as Lineage) : null)) {
    if (awaitingAssessment(e, d.now(), p.assessWaitMs)) return;
    if (await startExperiment(d, e, p, decide)) return;
  }
}

/**
 * Count models (popularity, co-visitation, session kNN) are defined by their data: the learner's incremental
 * version is the same model over a longer log (its fold equals a full fit; test/recsys/learner). Such a
 * version goes live when the offline gate passes on the newest window, without an online experiment, so
 * fresh events reach serving every cycle; FISM vectors and the ranker (fitted, not counted) go through one.
 */
const REFRESHED_OFFLINE = new Set(["popularity", "covisitation", "session-knn"]);

/** True when `model` was handled as a count refresh (promoted, or held by the gate). */
async function refreshCounts(d: SelectionDeps, model: string, decide: Decide): Promise<boolean> {
  if (await d.store.pin(model)) return false;
  const pointer = await d.registry.livePointer(model);
  if (!pointer) return false;
  const [newest] = await d.registry.versions(model, 1);
  if (!newest || newest.version === pointer.version || typeof newest.metrics[EVENT_SEQ] !== "number") return false;
  const live = (await d.registry.versions(model, 50)).find((v) => v.version === pointer.version);
  if (live && (live.metrics[EVENT_SEQ] ?? -1) >= newest.metrics[EVENT_SEQ]) return false;
  if (await d.store.tried(model, newest.version)) return true;
  const gate = offlineGate(newest.metrics, live?.metrics ?? {});
  if (gate.verdict === "fail") {
    await d.store.createExperiment({
      id: d.newId(),
      model,
      kind: "challenge",
      champion: pointer.version,
      challenger: newest.version,
      status: "rejected",
      share: 0,
      startedAt: d.now(),
      endedAt: d.now(),
      reason: `offline gate: ${gate.reason}`,
      offline: gate.numbers,
    });
    await decide(model, "held", `offline gate: ${gate.reason}`, {
      from: pointer.version,
      to: newest.version,
      numbers: gate.numbers,
    });
    return true;
  }
  try {
    await d.registry.load(model, newest.version);
  } catch (err) {
    await decide(model, "held", `artifact does not load: ${err instanceof Error ? err.message : String(err)}`, {
      from: pointer.version,
      to: newest.version,
    });
    return true;
  }
  const reason = `count refresh through event ${newest.metrics[EVENT_SEQ]}; offline gate ${gate.verdict}: ${gate.reason}`;
  await d.registry.setLive(model, newest.version, `refreshed: ${reason}`);
  await decide(model, "refreshed", reason, { from: pointer.version, to: newest.version, numbers: gate.numbers });
  return true;
}

type Verdict =
  | { action: "continue"; share: number }
  | { action: "promote" | "reject" | "rollback" | "end"; reason: string };

/** The decision for one running experiment from its arms' numbers (pure: tested on its own). */
export function judge(
  e: Pick<Experiment, "kind" | "share">,
  s: Record<Arm, ArmStats>,
  p: SelectionPolicy,
  /** Other versions wait in the queue: an undecided experiment ends sooner (`maxImpressionsWhileQueued`). */
  queued = false,
): Verdict {
  const a = s.champion;
  const b = s.challenger;
  const guard = e.kind === "guard";
  // For a guard, the version under watch is the champion (just promoted); for a challenge, the challenger.
  const watched = guard ? a : b;
  const other = guard ? b : a;
  if (watched.requests >= p.minRequestsForHealth) {
    const rate = watched.errors / watched.requests;
    if (rate > p.maxErrorRate) {
      const why = `error rate ${(rate * 100).toFixed(1)}% over ${watched.requests} requests > ${p.maxErrorRate * 100}%`;
      return { action: guard ? "rollback" : "reject", reason: why };
    }
    if (other.requests >= p.minRequestsForHealth) {
      const mean = watched.latencyMsSum / watched.requests;
      const base = other.latencyMsSum / other.requests;
      if (mean > base * p.latencyFactor + p.latencySlackMs) {
        const why = `latency regression: ${mean.toFixed(1)} ms per request against ${base.toFixed(1)} ms`;
        return { action: guard ? "rollback" : "reject", reason: why };
      }
    }
  }
  const pBetter = probChallengerBetter(a, b);
  const ctr = (x: ArmStats): string => `${((x.clicks / Math.max(1, x.impressions)) * 100).toFixed(2)}%`;
  const line = `P(challenger better) ${pBetter.toFixed(3)}; CTR champion ${ctr(a)} (${a.impressions}), challenger ${ctr(b)} (${b.impressions})`;
  const total = a.impressions + b.impressions;
  if (guard) {
    if (
      pBetter >= p.promoteProbability &&
      a.impressions >= p.minImpressionsToReject &&
      b.impressions >= p.minImpressionsToReject
    )
      return { action: "rollback", reason: `online quality drop after promotion: ${line}` };
    if (total >= p.guardImpressions) return { action: "end", reason: `guard period passed: ${line}` };
    return { action: "continue", share: e.share };
  }
  if (pBetter >= p.promoteProbability && Math.min(a.impressions, b.impressions) >= p.minImpressionsToPromote)
    return { action: "promote", reason: line };
  if (pBetter <= p.rejectProbability && b.impressions >= p.minImpressionsToReject)
    return { action: "reject", reason: line };
  if (total >= p.maxImpressions) return { action: "end", reason: `no decision after ${total} impressions: ${line}` };
  if (queued && total >= p.maxImpressionsWhileQueued)
    return { action: "end", reason: `no decision after ${total} impressions, others wait in the queue: ${line}` };
  return { action: "continue", share: cautiousShare(a, b, e.share, { minShare: 0.01, maxShare: 0.5 }) };
}

function summarize(s: Record<Arm, ArmStats>): Record<string, unknown> {
  return {
    champion: { ...s.champion, ctr: rateInterval(s.champion) },
    challenger: { ...s.challenger, ctr: rateInterval(s.challenger) },
    pChallengerBetter: probChallengerBetter(s.champion, s.challenger),
    lift: relativeLift(s.champion, s.challenger),
  };
}

/** Starts `e`'s experiment, or holds it (recorded) when its artifact does not load or the offline gate fails. */
async function startExperiment(d: SelectionDeps, e: QueueEntry, p: SelectionPolicy, decide: Decide): Promise<boolean> {
  const { model, version: c } = e;
  const pointer = await d.registry.livePointer(model);
  if (!pointer) return false;
  const live = (await d.registry.versions(model, QUEUE_SCAN)).find((v) => v.version === pointer.version);
  const id = d.newId();
  const waitedMs = Math.max(0, d.now() - e.since);
  const hold = async (reason: string, numbers: Record<string, number>): Promise<void> => {
    await d.store.createExperiment({
      id,
      model,
      kind: "challenge",
      champion: pointer.version,
      challenger: c.version,
      status: "rejected",
      share: 0,
      startedAt: d.now(),
      endedAt: d.now(),
      reason,
      offline: numbers,
    });
    await decide(model, "held", reason, {
      from: pointer.version,
      to: c.version,
      experimentId: id,
      numbers: { ...numbers, lineage: e.lineage, waitedMs },
    });
  };
  try {
    await d.registry.load(model, c.version);
  } catch (err) {
    await hold(`artifact does not load: ${err instanceof Error ? err.message : String(err)}`, {});
    return false;
  }
  const gate = offlineGate(c.metrics, live?.metrics ?? {});
  if (gate.verdict === "fail") {
    await hold(`offline gate: ${gate.reason}`, gate.numbers);
    return false;
  }
  const share = gate.verdict === "pass" ? p.initialShare : p.unmeasuredShare;
  await d.store.createExperiment({
    id,
    model,
    kind: "challenge",
    champion: pointer.version,
    challenger: c.version,
    status: "running",
    share,
    startedAt: d.now(),
    reason: `offline gate ${gate.verdict}: ${gate.reason}`,
    offline: gate.numbers,
  });
  const from = e.lineage === "learner" ? "learner retrain" : "outside the learner";
  await decide(
    model,
    "experiment_started",
    `offline gate ${gate.verdict}: ${gate.reason}; start share ${share}; registered ${from}, waited ${Math.round(waitedMs / 1000)} s`,
    {
      from: pointer.version,
      to: c.version,
      experimentId: id,
      // `lineage` is read back by the queue's fairness rule (store.lastStarted).
      numbers: { ...gate.numbers, lineage: e.lineage, waitedMs },
    },
  );
  return true;
}

/**
 * A live version whose artifact no longer loads (corrupt or missing chunks) is rolled back to the newest
 * version that does, preferring what served before it (models/rotation.ts), and the decision is logged.
 */
async function verifyLive(d: SelectionDeps, decide: Decide): Promise<void> {
  for (const model of d.models) {
    const live = await d.registry.liveVersion(model);
    if (live === null || d.verified?.has(`${model}@${live}`)) continue;
    try {
      await d.registry.load(model, live);
      d.verified?.add(`${model}@${live}`);
    } catch {
      const r = await rotateModel(d.registry, model);
      if (r.action === "rolled_back" || r.action === "broken") {
        await decide(model, r.action === "rolled_back" ? "rolled_back" : "broken", `broken artifact: ${r.reason}`, {
          from: r.from,
          to: r.to,
        });
        for (const e of await d.store.running()) {
          if (e.model === model) await d.store.end(e.id, "aborted", `live version ${live} broken`, d.now());
        }
      }
    }
  }
}

/**
 * Live traffic outside experiments: serving counts every first page computed on the live set alone under
 * the set's key. When that set fails more than the policy allows, the model whose live pointer moved last
 * (what changed most recently is the likely cause) goes back to the version that served before it.
 */
async function checkLiveHealth(d: SelectionDeps, p: SelectionPolicy, decide: Decide): Promise<void> {
  const pointers = new Map<string, { version: string; updatedAt: number }>();
  for (const model of d.models) {
    const ptr = await d.registry.livePointer(model);
    if (ptr) pointers.set(model, ptr);
  }
  if (pointers.size === 0) return;
  const key = liveSetKey(Object.fromEntries(d.models.map((m) => [m, pointers.get(m)?.version ?? null])));
  const { champion: live } = await d.store.armStats(key);
  if (live.requests < p.minRequestsForHealth || live.errors / live.requests <= p.maxErrorRate) return;
  const [model, ptr] = [...pointers].sort((a, b) => b[1].updatedAt - a[1].updatedAt)[0];
  const older = await previousVersions(d.registry, model, ptr.version);
  const rate = `${((live.errors / live.requests) * 100).toFixed(1)}%`;
  for (const target of older) {
    try {
      await d.registry.load(model, target.version);
    } catch {
      continue;
    }
    const reason = `error rate ${rate} over ${live.requests} live requests; ${model} changed last`;
    await d.registry.setLive(model, target.version, `rolled back: ${reason}`);
    await decide(model, "rolled_back", reason, { from: ptr.version, to: target.version, numbers: { ...live } });
    return;
  }
  await decide(model, "broken", `error rate ${rate} on live traffic and no earlier version of ${model} loads`, {
    from: ptr.version,
    numbers: { ...live },
  });
}

/** Credits impressions and clicks since the last run to experiment arms. */
async function foldEvents(d: SelectionDeps, report: SelectionReport): Promise<void> {
  let cursor = await d.store.cursor(CURSOR);
  for (let round = 0; round < 20; round++) {
    const batch = await d.events.since(cursor, 20_000, FOLD_TYPES);
    const deltas = new Map<string, Partial<ArmStats>>();
    const add = (exp: string, arm: Arm, k: "impressions" | "clicks" | "purchases"): void => {
      const key = `${exp}|${arm}`;
      const cur = deltas.get(key) ?? {};
      cur[k] = (cur[k] ?? 0) + 1;
      deltas.set(key, cur);
    };
    const arms: { snapshotId: string; position: number; experimentId: string; arm: Arm; createdAt: number }[] = [];
    const outcomes: StoredEvent[] = [];
    for (const e of batch.events) {
      if (e.type === "impression") {
        const ctx = e.context ?? {};
        const exp = typeof ctx.experiment === "string" ? ctx.experiment : null;
        const list = Array.isArray(ctx.arms) ? ctx.arms : null;
        const snap = typeof ctx.snapshotId === "string" ? ctx.snapshotId : null;
        const offset = typeof ctx.offset === "number" ? ctx.offset : 0;
        const positions = Array.isArray(ctx.positions) ? ctx.positions : null;
        if (!exp || !list || !snap) continue;
        list.forEach((a, j) => {
          if (a !== "champion" && a !== "challenger") return;
          // The recommendation id's position (items sold since the snapshot are skipped, so not offset + j).
          const position = typeof positions?.[j] === "number" ? positions[j] : offset + j;
          arms.push({ snapshotId: snap, position, experimentId: exp, arm: a, createdAt: e.ts });
          add(exp, a, "impressions");
          report.folded.impressions++;
        });
      } else if (typeof e.context?.recommendationId === "string") outcomes.push(e);
    }
    await d.store.recordSnapshotArms(arms);
    if (outcomes.length > 0) {
      const snapOf = (e: StoredEvent): string => String(e.context?.recommendationId).split(".")[0];
      const known = await d.store.snapshotArms([...new Set(outcomes.map(snapOf))]);
      const credited = new Set<string>();
      for (const e of outcomes) {
        const rec = String(e.context?.recommendationId);
        const hit = known.get(rec);
        if (!hit) continue;
        // One click per shown item counts (a double-click or a retried event is not twice the evidence).
        const key = `${e.type}|${rec}`;
        if (credited.has(key)) continue;
        credited.add(key);
        if (e.type === "purchase") add(hit.experimentId, hit.arm, "purchases");
        else if (e.type === "click") {
          add(hit.experimentId, hit.arm, "clicks");
          report.folded.clicks++;
        }
      }
    }
    for (const [key, delta] of deltas) {
      const [exp, arm] = key.split("|") as [string, Arm];
      await d.store.addArmStats(exp, arm, delta);
    }
    report.folded.events += batch.events.length;
    cursor = batch.scannedTo;
    await d.store.setCursor(CURSOR, cursor);
    if (!batch.more) break;
  }
}
