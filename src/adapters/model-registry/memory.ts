import type { ModelArtifact } from "../../../ml/core/recommender.js";
import type { ArtifactRegistryPort, RegisteredArtifact } from "../../ports/model-registry";

/**
 * In-process registry with the ArtifactRegistryPort semantics (versions per model, one live pointer).
 * The embedded default's registry until ml/registry/ lands: models trained at start are registered here,
 * so serving always reads through the registry, never from a trainer's return value.
 */
export class MemoryArtifactRegistry implements ArtifactRegistryPort {
  private readonly versions = new Map<string, RegisteredArtifact[]>();
  private readonly livePointer = new Map<string, string>();
  private seq = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async live(model: string): Promise<RegisteredArtifact | null> {
    const list = this.versions.get(model) ?? [];
    const pointer = this.livePointer.get(model);
    return list.find((v) => v.version === pointer) ?? list[list.length - 1] ?? null;
  }

  async liveVersion(model: string): Promise<string | null> {
    return (await this.live(model))?.version ?? null;
  }

  async register(
    model: string,
    artifact: ModelArtifact,
    metrics: Record<string, number>,
    options: { live?: boolean } = {},
  ): Promise<string> {
    const version = artifact.version ?? `${model}-${this.now().toString(36)}-${++this.seq}`;
    const list = this.versions.get(model) ?? [];
    list.push({ version, artifact: { ...artifact, version }, metrics, createdAt: this.now() });
    this.versions.set(model, list);
    if (options.live ?? true) this.livePointer.set(model, version);
    return version;
  }

  /** All versions of a model, oldest first (tests, ops). */
  list(model: string): RegisteredArtifact[] {
    return [...(this.versions.get(model) ?? [])];
  }
}
