import { join } from "node:path";
import type { ModelArtifact } from "../../../ml/core/recommender.js";
import { loadArtifact, saveArtifact } from "../../../ml/artifacts/artifact-store.js";
import { JsonFileRegistry } from "../../../ml/registry/json-file-registry.js";
import { makeVersion, type ModelRegistry } from "../../../ml/registry/registry.js";
import type { ArtifactRegistryPort, RegisteredArtifact } from "../../ports/model-registry";

/**
 * ArtifactRegistryPort over ml/'s registry (records) and artifact store (manifest + binary blobs on disk),
 * so serving reads exactly what `npm run train` writes, and what serving trains at start is visible to
 * ml/ tooling. "Live" = the newest record until the registry grows a live pointer. Node only (fs).
 */
export class MlRegistryAdapter implements ArtifactRegistryPort {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly artifactsDir: string,
    private readonly now: () => number = Date.now,
  ) {}

  static atDir(dir: string, now?: () => number): MlRegistryAdapter {
    return new MlRegistryAdapter(new JsonFileRegistry(join(dir, "registry.json")), join(dir, "artifacts"), now);
  }

  async live(model: string): Promise<RegisteredArtifact | null> {
    const rec = await this.registry.latest(model);
    if (!rec) return null;
    return {
      version: rec.version,
      artifact: loadArtifact(rec.artifact_location),
      metrics: rec.metrics,
      createdAt: Date.parse(rec.created_at),
    };
  }

  async liveVersion(model: string): Promise<string | null> {
    return (await this.registry.latest(model))?.version ?? null;
  }

  async register(model: string, artifact: ModelArtifact, metrics: Record<string, number>): Promise<string> {
    const createdAt = new Date(this.now());
    const version = makeVersion(
      createdAt,
      `${model}|${JSON.stringify(artifact.params)}|${artifact.itemIds.length}|${JSON.stringify(metrics)}`,
    );
    const dir = join(this.artifactsDir, model, version);
    saveArtifact(dir, artifact, version, createdAt);
    await this.registry.register({
      model,
      version,
      params: artifact.params,
      data_window: { source: "serving", from: null, to: null, interactions: metrics.interactions ?? 0 },
      metrics,
      artifact_location: dir,
      created_at: createdAt.toISOString(),
    });
    return version;
  }
}
