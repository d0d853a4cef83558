import type { ModelRegistry, StoredVersion } from "../../ports/model-registry";

/**
 * Live-version rotation for artifacts stored in libSQL (run by the scheduler Worker). Per model:
 *
 * - the live version (pointer, else newest) is loaded and verified every run; when it is missing or
 *   corrupt the pointer rolls back to the newest version that verifies (older than the broken one first);
 * - newer versions are listed as held: promotion is online selection's decision (src/recsys/selection);
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

  // Newer versions are not promoted here: online selection (src/recsys/selection) decides, from an offline
  // gate and live traffic, and records why. Rotation only keeps the live pointer on a version that loads.
  const newer: StoredVersion[] = current
    ? versions.filter(
        (v) => v.createdAt > current.createdAt || (v.createdAt === current.createdAt && v.version > current.version),
      )
    : [];
  const held = newer.map((v) => ({ version: v.version, reason: "awaiting online selection" }));
  return {
    model,
    action: "kept",
    from: currentVersion,
    to: currentVersion,
    reason: held.length > 0 ? "newer versions await online selection" : "live is the newest",
    ...(held.length > 0 ? { held } : {}),
  };
}

/** Rotates every model with stored versions (or `models`), one at a time (one artifact in memory at once). */
export async function rotateModels(reg: ModelRegistry, models?: readonly string[]): Promise<RotationDecision[]> {
  const out: RotationDecision[] = [];
  for (const model of models ?? (await reg.models())) out.push(await rotateModel(reg, model));
  return out;
}
