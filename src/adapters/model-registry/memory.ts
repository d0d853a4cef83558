import type { ModelArtifact } from "../../../ml/core/recommender.js";
import type {
  LivePointer,
  ModelRegistry,
  RegisteredArtifact,
  RegisterOptions,
  StoredVersion,
} from "../../ports/model-registry";
import { encodeArtifact, sha256Hex } from "../../recsys/models/artifact-codec";
import { ArtifactMissingError } from "./libsql";
import { makeVersion } from "./version";

interface Entry extends RegisteredArtifact {
  stored: StoredVersion;
}

/**
 * In-process model registry (tests, one-off tools): the libSQL adapter's semantics without a database.
 * Versions per model, one live pointer set only on request (`live: true` or `setLive`), `live()` = the
 * pointer's version else the newest; re-registering the same version with the same bytes is a no-op,
 * with other bytes an error. Artifacts are kept as registered (not copied): callers must not mutate them.
 */
export class MemoryArtifactRegistry implements ModelRegistry {
  private readonly entries = new Map<string, Entry[]>();
  private readonly pointers = new Map<string, LivePointer>();
  private seq = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async live(model: string): Promise<RegisteredArtifact | null> {
    const version = await this.liveVersion(model);
    return version === null ? null : this.load(model, version);
  }

  async liveVersion(model: string): Promise<string | null> {
    return this.pointers.get(model)?.version ?? this.newestFirst(model)[0]?.version ?? null;
  }

  async register(
    model: string,
    artifact: ModelArtifact,
    metrics: Record<string, number>,
    options: RegisterOptions = {},
  ): Promise<string> {
    const createdAt = options.createdAt ?? this.now();
    const { payload } = encodeArtifact({ ...artifact, model });
    const sha256 = await sha256Hex(payload);
    const version = artifact.version ?? makeVersion(new Date(createdAt), `${model}|${sha256}|${++this.seq}`);
    const list = this.entries.get(model) ?? [];
    const existing = list.find((e) => e.version === version);
    if (existing) {
      if (existing.stored.sha256 !== sha256)
        throw new Error(`model registry: ${model}@${version} is already stored with different content`);
    } else {
      const stored: StoredVersion = {
        model,
        version,
        metrics,
        createdAt,
        byteLength: payload.byteLength,
        chunkCount: 1,
        sha256,
      };
      list.push({ version, artifact: { ...artifact, version }, metrics, createdAt, stored });
      this.entries.set(model, list);
    }
    if (options.live) await this.setLive(model, version, options.reason ?? "registered live");
    return version;
  }

  async load(model: string, version: string): Promise<RegisteredArtifact> {
    const e = this.entries.get(model)?.find((x) => x.version === version);
    if (!e) throw new ArtifactMissingError(`model registry: ${model}@${version} is not a stored version`);
    return { version: e.version, artifact: e.artifact, metrics: e.metrics, createdAt: e.createdAt };
  }

  async annotate(model: string, version: string, metrics: Record<string, number>): Promise<void> {
    const e = this.entries.get(model)?.find((x) => x.version === version);
    if (!e) throw new ArtifactMissingError(`model registry: ${model}@${version} is not a stored version`);
    // Names already recorded win, as in the libSQL adapter; the stored row and the loaded view share it.
    const merged = { ...metrics, ...e.metrics };
    e.metrics = merged;
    e.stored = { ...e.stored, metrics: merged };
  }

  async versions(model: string, limit = 1000): Promise<StoredVersion[]> {
    return this.newestFirst(model)
      .slice(0, limit)
      .map((e) => e.stored);
  }

  async models(): Promise<string[]> {
    return [...this.entries.keys()].filter((m) => (this.entries.get(m)?.length ?? 0) > 0).sort();
  }

  async livePointer(model: string): Promise<LivePointer | null> {
    return this.pointers.get(model) ?? null;
  }

  async setLive(model: string, version: string, reason: string): Promise<void> {
    if (!this.entries.get(model)?.some((e) => e.version === version))
      throw new ArtifactMissingError(`model registry: cannot make ${model}@${version} live: not a stored version`);
    this.pointers.set(model, { version, updatedAt: this.now(), reason: reason.slice(0, 500) });
  }

  /** Newest first, as the libSQL adapter orders them (creation time, then version id). */
  private newestFirst(model: string): Entry[] {
    return [...(this.entries.get(model) ?? [])].sort(
      (a, b) => b.createdAt - a.createdAt || (a.version < b.version ? 1 : a.version > b.version ? -1 : 0),
    );
  }
}
