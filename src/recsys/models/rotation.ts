import type { ModelRegistry, StoredVersion } from "../../ports/model-registry";

/**
 * Live-version rotation over the model registry (run by the scheduler Worker). Per model:
 *
 * - the live version (pointer, else newest) is loaded and verified every run; when it is missing or
 *   corrupt the pointer rolls back to the newest version that verifies (older than the broken one first);
 * - otherwise the newest newer version whose recorded metrics are not worse (`compareMetrics`) and whose
 *   artifact verifies is promoted; others are listed with why they were held;
 * - a model without a pointer gets one at its newest verified version, so later publications go through
 *   the metric gate instead of serving just because they are newer.
 *
 * It never trains or edits an artifact. Every decision is returned (the scheduler records it in
 * scheduler_runs) and written to `model_live.reason`.
 */
export type RotationAction = "kept" | "promoted" | "rolled_back" | "initialised" | "broken";

export interface RotationDecision {
  model: string;
  action: RotationAction;
  from: string | null;
  to: string | null;
  reason: string;
  held?: { version: string; reason: string }[];
}

/** Metric names where higher is better (offline ranking quality, as `npm run train` records them). */
const QUALITY = /(ndcg|hr@|hit|recall|mrr|map@|auc|precision)/i;

/**
 * "Not worse": no quality metric both versions recorded is lower on the candidate. Without a shared quality
 * metric (what serving's in-process training records), a candidate trained on fewer interactions than the
 * live one is held: less data usually means a truncated export, not a better model.
 */
export function compareMetrics(
  candidate: Record<string, number>,
  live: Record<string, number>,
): { ok: boolean; reason: string } {
  const shared = Object.keys(candidate).filter(
    (k) => QUALITY.test(k) && k in live && Number.isFinite(candidate[k]) && Number.isFinite(live[k]),
  );
  if (shared.length > 0) {
    const worse = shared.filter((k) => candidate[k] < live[k] - 1e-9);
    return worse.length > 0
      ? {
          ok: false,
          reason: `worse on ${worse.map((k) => `${k} ${round(candidate[k])} < ${round(live[k])}`).join(", ")}`,
        }
      : { ok: true, reason: `not worse on ${shared.join(", ")}` };
  }
  if (Number.isFinite(candidate.interactions) && Number.isFinite(live.interactions)) {
    return candidate.interactions < live.interactions
      ? { ok: false, reason: `trained on fewer interactions (${candidate.interactions} < ${live.interactions})` }
      : {
          ok: true,
          reason: `no shared quality metric; interactions ${candidate.interactions} >= ${live.interactions}`,
        };
  }
  return { ok: true, reason: "no comparable metrics recorded" };
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

async function verify(reg: ModelRegistry, model: string, version: string): Promise<string | null> {
  try {
    await reg.load(model, version);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export async function rotateModel(reg: ModelRegistry, model: string): Promise<RotationDecision> {
  const versions = await reg.versions(model);
  const pointer = await reg.livePointer(model);
  const currentVersion = pointer?.version ?? versions[0]?.version ?? null;
  if (currentVersion === null) return { model, action: "kept", from: null, to: null, reason: "no stored version" };
  const current = versions.find((v) => v.version === currentVersion);
  const liveError = await verify(reg, model, currentVersion);

  if (liveError !== null) {
    // Older than the broken one first (what served before it), then anything else that verifies.
    const others = versions.filter((v) => v.version !== currentVersion);
    const ordered = current
      ? [
          ...others.filter((v) => v.createdAt <= current.createdAt),
          ...others.filter((v) => v.createdAt > current.createdAt),
        ]
      : others;
    const held: { version: string; reason: string }[] = [];
    for (const candidate of ordered) {
      const err = await verify(reg, model, candidate.version);
      if (err !== null) {
        held.push({ version: candidate.version, reason: err });
        continue;
      }
      const reason = `rolled back from ${currentVersion}: ${liveError}`;
      await reg.setLive(model, candidate.version, reason);
      return { model, action: "rolled_back", from: currentVersion, to: candidate.version, reason, held };
    }
    return {
      model,
      action: "broken",
      from: currentVersion,
      to: null,
      reason: `live version unusable and no other version verifies: ${liveError}`,
      held,
    };
  }

  if (!pointer) {
    const reason = "initial pointer at the newest complete version";
    await reg.setLive(model, currentVersion, reason);
    return { model, action: "initialised", from: null, to: currentVersion, reason };
  }

  const newer: StoredVersion[] = current
    ? versions.filter(
        (v) => v.createdAt > current.createdAt || (v.createdAt === current.createdAt && v.version > current.version),
      )
    : [];
  const held: { version: string; reason: string }[] = [];
  for (const candidate of newer) {
    const cmp = compareMetrics(candidate.metrics, current?.metrics ?? {});
    if (!cmp.ok) {
      held.push({ version: candidate.version, reason: cmp.reason });
      continue;
    }
    const err = await verify(reg, model, candidate.version);
    if (err !== null) {
      held.push({ version: candidate.version, reason: err });
      continue;
    }
    const reason = `promoted over ${currentVersion}: ${cmp.reason}`;
    await reg.setLive(model, candidate.version, reason);
    return { model, action: "promoted", from: currentVersion, to: candidate.version, reason, held };
  }
  return {
    model,
    action: "kept",
    from: currentVersion,
    to: currentVersion,
    reason: held.length > 0 ? "no newer version passed" : "live is the newest",
    ...(held.length > 0 ? { held } : {}),
  };
}

/** Rotates every model with stored versions (or `models`), one at a time (one artifact in memory at once). */
export async function rotateModels(reg: ModelRegistry, models?: readonly string[]): Promise<RotationDecision[]> {
  const out: RotationDecision[] = [];
  for (const model of models ?? (await reg.models())) out.push(await rotateModel(reg, model));
  return out;
}
