import type { ModelRegistry } from "../../ports/model-registry";
import { REGISTRY_MODELS, type Log } from "./bootstrap";

/** What serving loads: bootstrap.ts's registry models (the recall models of SERVING_MODELS plus the feed ranker). */
export const PUBLISHED_MODELS = REGISTRY_MODELS;

export interface PublishReport {
  model: string;
  status: "published" | "already" | "missing";
  version?: string;
  bytes?: number;
}

/**
 * Copies each model's live version from `source` (e.g. the registry in a local database file) into `target`
 * (e.g. the Turso database the Workers read), keeping its version id, metrics and creation time, so every
 * runtime names the same model the same way. Already-published versions are skipped (idempotent). With
 * `live`, the model's pointer moves to the published version at once; without it, a model that already
 * has a pointer keeps it until the scheduler's rotation promotes the new version.
 */
export async function publishModels(
  source: ModelRegistry,
  target: ModelRegistry,
  options: { models?: readonly string[]; live?: boolean; log?: Log } = {},
): Promise<PublishReport[]> {
  const out: PublishReport[] = [];
  for (const model of options.models ?? PUBLISHED_MODELS) {
    const entry = await source.live(model);
    if (!entry) {
      out.push({ model, status: "missing" });
      options.log?.("publish: no live version in the source registry", { model });
      continue;
    }
    const known = (await target.versions(model)).find((v) => v.version === entry.version);
    await target.register(model, { ...entry.artifact, version: entry.version }, entry.metrics, {
      live: options.live,
      createdAt: entry.createdAt,
      reason: "published live",
    });
    const stored = known ?? (await target.versions(model)).find((v) => v.version === entry.version);
    const report: PublishReport = {
      model,
      status: known ? "already" : "published",
      version: entry.version,
      bytes: stored?.byteLength,
    };
    options.log?.(`publish: ${report.status}`, { ...report });
    out.push(report);
  }
  return out;
}
