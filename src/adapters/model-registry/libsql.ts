import type { Client, InStatement, Row } from "@libsql/client";
import { z } from "zod";
import type { ModelArtifact } from "../../../ml/core/recommender.js";
import type {
  LivePointer,
  ModelRegistry,
  RegisteredArtifact,
  RegisterOptions,
  StoredVersion,
} from "../../ports/model-registry";
import {
  ArtifactCorruptError,
  decodeArtifact,
  encodeArtifact,
  manifestSchema,
  sha256Hex,
  type ArtifactManifest,
} from "../../recsys/models/artifact-codec";
import { makeVersion } from "./version";

/**
 * The model registry (src/ports/model-registry.ts) in the app's libSQL database (embedded file in Node, Turso / the local Hrana server
 * from Workers: any `@libsql/client`, Web APIs only). Tables from migration 0009 plus `model_registry`:
 *
 * - `model_registry`: the one record of versions (params, data window, metrics, created_at), `npm run train`'s too.
 * - `model_artifacts`: how a version's bytes are stored; `writing` until every chunk is in.
 * - `model_artifact_chunks`: the payload in ≤ `chunkBytes` BLOB rows, each with its own SHA-256.
 * - `model_live`: the live pointer per model.
 *
 * A version becomes visible only when one write transaction flips its storage row to `complete` (checked
 * in SQL against the chunks actually present) and inserts its registry row, so a reader never sees a
 * half-written artifact. Reads verify every chunk; damage is an error naming model, version and chunk.
 */
export const DEFAULT_CHUNK_BYTES = 512 * 1024;
/** Chunks fetched per query when loading (bounds one Hrana response). */
const READ_GROUP_BYTES = 4 * 1024 * 1024;
/** A `writing` version untouched this long is abandoned (a publisher died): it may be replaced or swept. */
export const ABANDONED_AFTER_MS = 10 * 60 * 1000;
const LOCATION_PREFIX = "libsql:model_artifact_chunks/";

export class ArtifactMissingError extends Error {
  override readonly name = "ArtifactMissingError";
}
export { ArtifactCorruptError };

const metricsSchema = z.record(z.string(), z.number());

export class LibsqlArtifactRegistry implements ModelRegistry {
  private readonly now: () => number;
  private readonly chunkBytes: number;

  constructor(
    private readonly client: Client,
    options: { now?: () => number; chunkBytes?: number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!Number.isInteger(this.chunkBytes) || this.chunkBytes < 1)
      throw new Error("chunkBytes must be a positive integer");
  }

  /** The pointer's version (an error if it cannot be loaded), else the newest complete version, else null. */
  async live(model: string): Promise<RegisteredArtifact | null> {
    const pointer = await this.livePointer(model);
    if (pointer) return this.load(model, pointer.version);
    const [newest] = await this.versions(model, 1);
    return newest ? this.load(model, newest.version) : null;
  }

  /** The version `live()` would load, without reading any chunk (cheap enough to poll). */
  async liveVersion(model: string): Promise<string | null> {
    const pointer = await this.livePointer(model);
    if (pointer) return pointer.version;
    return (await this.versions(model, 1))[0]?.version ?? null;
  }

  /**
   * Stores `artifact` as a new version (its own `version` when set, e.g. when publishing from another
   * database; else a fresh time-ordered id) and, with `live`, points the model at it in the same transaction.
   * Re-registering identical bytes under an existing version is a no-op; different bytes are refused.
   */
  async register(
    model: string,
    artifact: ModelArtifact,
    metrics: Record<string, number>,
    options: RegisterOptions = {},
  ): Promise<string> {
    const createdAt = options.createdAt ?? this.now();
    const { manifest, payload } = encodeArtifact({ ...artifact, model });
    const sha256 = await sha256Hex(payload);
    const version = artifact.version ?? makeVersion(new Date(createdAt), `${model}|${sha256}|${crypto.randomUUID()}`);
    const chunkCount = Math.max(1, Math.ceil(payload.byteLength / this.chunkBytes));
    const where = `${model}@${version}`;

    const existing = await this.storage(model, version);
    if (existing?.status === "complete") {
      if (existing.sha256 !== sha256)
        throw new Error(`model registry: ${where} is already stored with different content`);
    } else {
      if (existing && existing.sha256 !== sha256) {
        if (this.now() - existing.startedAt < ABANDONED_AFTER_MS)
          throw new Error(`model registry: ${where} is being written by another publisher`);
        await this.deleteStorage(model, version, "writing");
      }
      await this.client.execute({
        sql: `INSERT INTO model_artifacts (model, version, status, manifest, chunk_count, byte_length, sha256, started_at)
              VALUES (?, ?, 'writing', ?, ?, ?, ?, ?)
              ON CONFLICT (model, version) DO UPDATE SET started_at = excluded.started_at WHERE status = 'writing'`,
        args: [model, version, JSON.stringify(manifest), chunkCount, payload.byteLength, sha256, this.now()],
      });
      // One statement per chunk: each Hrana request stays ≤ chunkBytes (+ base64) whatever the artifact's size.
      for (let seq = 0; seq < chunkCount; seq++) {
        const bytes = payload.slice(seq * this.chunkBytes, Math.min(payload.byteLength, (seq + 1) * this.chunkBytes));
        await this.client.execute({
          sql: "INSERT OR REPLACE INTO model_artifact_chunks (model, version, seq, bytes, sha256) VALUES (?, ?, ?, ?, ?)",
          args: [model, version, seq, bytes, await sha256Hex(bytes)],
        });
      }
    }

    const stmts: InStatement[] = [
      {
        // Complete only if every chunk is really there (a concurrent sweep could have removed some).
        sql: `UPDATE model_artifacts SET status = 'complete', completed_at = ?
              WHERE model = ? AND version = ? AND status = 'writing'
                AND chunk_count = (SELECT count(*) FROM model_artifact_chunks c WHERE c.model = model_artifacts.model AND c.version = model_artifacts.version)
                AND byte_length = (SELECT coalesce(sum(length(bytes)), 0) FROM model_artifact_chunks c WHERE c.model = model_artifacts.model AND c.version = model_artifacts.version)`,
        args: [this.now(), model, version],
      },
      {
        sql: `INSERT OR IGNORE INTO model_registry (model, version, params, data_window, metrics, artifact_location, created_at)
              SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM model_artifacts WHERE model = ? AND version = ? AND status = 'complete')`,
        args: [
          model,
          version,
          JSON.stringify(options.params ?? artifact.params),
          JSON.stringify(
            options.dataWindow ?? { source: "serving", from: null, to: null, interactions: metrics.interactions ?? 0 },
          ),
          JSON.stringify(metrics),
          `${LOCATION_PREFIX}${model}/${version}`,
          new Date(createdAt).toISOString(),
          model,
          version,
        ],
      },
    ];
    if (options.live) stmts.push(this.pointStatement(model, version, options.reason ?? "registered live"));
    await this.client.batch(stmts, "write");
    const after = await this.storage(model, version);
    if (after?.status !== "complete")
      throw new Error(`model registry: ${where} could not be completed (chunks missing after upload)`);
    return version;
  }

  async annotate(model: string, version: string, metrics: Record<string, number>): Promise<void> {
    // json_patch(new, old): names already recorded win, so registration metrics are never rewritten.
    const r = await this.client.execute({
      sql: "UPDATE model_registry SET metrics = json_patch(?, metrics) WHERE model = ? AND version = ?",
      args: [JSON.stringify(metrics), model, version],
    });
    if (r.rowsAffected === 0) throw new Error(`model registry: ${model}@${version} not found`);
  }

  /** Loads and verifies one complete version: a missing or damaged chunk is an error, never a partial model. */
  async load(model: string, version: string): Promise<RegisteredArtifact> {
    const where = `${model}@${version}`;
    const { rows } = await this.client.execute({
      sql: `SELECT a.manifest, a.chunk_count, a.byte_length, a.sha256, r.metrics, r.created_at
            FROM model_artifacts a JOIN model_registry r ON r.model = a.model AND r.version = a.version
            WHERE a.model = ? AND a.version = ? AND a.status = 'complete'`,
      args: [model, version],
    });
    const row = rows[0];
    if (!row) throw new ArtifactMissingError(`model registry: ${where} is not a complete stored version`);
    let manifest: ArtifactManifest;
    try {
      manifest = manifestSchema.parse(JSON.parse(String(row.manifest)));
    } catch (err) {
      throw new ArtifactCorruptError(
        `model registry: ${where}: unreadable manifest (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    const chunkCount = Number(row.chunk_count);
    const byteLength = Number(row.byte_length);
    const payload = new Uint8Array(byteLength);
    const perQuery = Math.max(1, Math.floor(READ_GROUP_BYTES / Math.max(1, Math.ceil(byteLength / chunkCount))));
    let filled = 0;
    for (let first = 0; first < chunkCount; first += perQuery) {
      const res = await this.client.execute({
        sql: "SELECT seq, bytes, sha256 FROM model_artifact_chunks WHERE model = ? AND version = ? AND seq >= ? AND seq < ? ORDER BY seq",
        args: [model, version, first, first + perQuery],
      });
      let expected = first;
      for (const c of res.rows) {
        const seq = Number(c.seq);
        if (seq !== expected)
          throw new ArtifactMissingError(`model registry: ${where}: chunk ${expected} of ${chunkCount} is missing`);
        const bytes = blobOf(c.bytes, `${where} chunk ${seq}`);
        if ((await sha256Hex(bytes)) !== String(c.sha256))
          throw new ArtifactCorruptError(`model registry: ${where}: chunk ${seq} of ${chunkCount} fails its checksum`);
        if (filled + bytes.byteLength > byteLength)
          throw new ArtifactCorruptError(`model registry: ${where}: chunks hold more than ${byteLength} bytes`);
        payload.set(bytes, filled);
        filled += bytes.byteLength;
        expected++;
      }
      const want = Math.min(chunkCount, first + perQuery);
      if (expected !== want)
        throw new ArtifactMissingError(`model registry: ${where}: chunk ${expected} of ${chunkCount} is missing`);
    }
    if (filled !== byteLength)
      throw new ArtifactCorruptError(`model registry: ${where}: chunks hold ${filled} bytes, expected ${byteLength}`);
    if ((await sha256Hex(payload)) !== String(row.sha256))
      throw new ArtifactCorruptError(`model registry: ${where}: payload fails its checksum`);
    return {
      version,
      artifact: decodeArtifact(manifest, payload, version, `model registry: ${where}`),
      metrics: parseMetrics(row.metrics),
      createdAt: Date.parse(String(row.created_at)),
    };
  }

  /** Complete versions of `model`, newest first. */
  async versions(model: string, limit = 1000): Promise<StoredVersion[]> {
    const { rows } = await this.client.execute({
      sql: `SELECT r.model, r.version, r.metrics, r.created_at, a.byte_length, a.chunk_count, a.sha256
            FROM model_registry r JOIN model_artifacts a ON a.model = r.model AND a.version = r.version AND a.status = 'complete'
            WHERE r.model = ? ORDER BY r.created_at DESC, r.version DESC LIMIT ?`,
      args: [model, limit],
    });
    return rows.map(toStoredVersion);
  }

  /** Models that have at least one complete stored version. */
  async models(): Promise<string[]> {
    const { rows } = await this.client.execute(
      "SELECT DISTINCT model FROM model_artifacts WHERE status = 'complete' ORDER BY model",
    );
    return rows.map((r) => String(r.model));
  }

  async livePointer(model: string): Promise<LivePointer | null> {
    const { rows } = await this.client.execute({
      sql: "SELECT version, updated_at, reason FROM model_live WHERE model = ?",
      args: [model],
    });
    const r = rows[0];
    return r ? { version: String(r.version), updatedAt: Number(r.updated_at), reason: String(r.reason) } : null;
  }

  /** Points `model` at a complete stored version (refused otherwise, so the pointer never names a partial write). */
  async setLive(model: string, version: string, reason: string): Promise<void> {
    const res = await this.client.execute(this.pointStatement(model, version, reason));
    if (res.rowsAffected === 0)
      throw new ArtifactMissingError(
        `model registry: cannot make ${model}@${version} live: not a complete stored version`,
      );
  }

  /** Deletes `writing` versions older than `olderThanMs` with their chunks (publishers that died). */
  async sweepAbandoned(olderThanMs = ABANDONED_AFTER_MS): Promise<{ model: string; version: string }[]> {
    const { rows } = await this.client.execute({
      sql: "SELECT model, version FROM model_artifacts WHERE status = 'writing' AND started_at < ?",
      args: [this.now() - olderThanMs],
    });
    const swept = rows.map((r) => ({ model: String(r.model), version: String(r.version) }));
    for (const s of swept) await this.deleteStorage(s.model, s.version, "writing");
    return swept;
  }

  /**
   * Deletes the bytes of old complete versions; their `model_registry` rows (metrics history) stay. Kept per
   * model: the live version, the `keepNewest` newest (promotion candidates) and the `keepPrevious` created
   * just before the live one (what a rollback picks first). Without this every publish adds the models'
   * full size to the database for good. The DELETE re-checks the live pointer, so a version made live
   * meanwhile is never removed. `keep`: versions kept as well (selection's queue: a version waiting for its
   * experiment while newer ones land).
   */
  async pruneVersions(
    options: { keepNewest?: number; keepPrevious?: number; keep?: readonly { model: string; version: string }[] } = {},
  ): Promise<{ model: string; version: string }[]> {
    const keepNewest = Math.max(1, options.keepNewest ?? 3);
    const keepPrevious = Math.max(0, options.keepPrevious ?? 2);
    const pruned: { model: string; version: string }[] = [];
    for (const model of await this.models()) {
      const versions = await this.versions(model);
      const liveVersion = (await this.livePointer(model))?.version ?? versions[0]?.version;
      const liveAt = versions.findIndex((v) => v.version === liveVersion);
      const keep = new Set(versions.slice(0, keepNewest).map((v) => v.version));
      if (liveVersion !== undefined) keep.add(liveVersion);
      for (const k of options.keep ?? []) if (k.model === model) keep.add(k.version);
      // versions are newest first: the ones after the live one's index were created before it.
      if (liveAt >= 0) for (const v of versions.slice(liveAt + 1, liveAt + 1 + keepPrevious)) keep.add(v.version);
      for (const v of versions) {
        if (keep.has(v.version)) continue;
        if (await this.deleteStorage(model, v.version, "complete")) pruned.push({ model, version: v.version });
      }
    }
    return pruned;
  }

  private pointStatement(model: string, version: string, reason: string): InStatement {
    return {
      sql: `INSERT INTO model_live (model, version, updated_at, reason)
            SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM model_artifacts WHERE model = ? AND version = ? AND status = 'complete')
            ON CONFLICT (model) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at, reason = excluded.reason`,
      args: [model, version, this.now(), reason.slice(0, 500), model, version],
    };
  }

  private async storage(
    model: string,
    version: string,
  ): Promise<{ status: string; sha256: string; startedAt: number } | null> {
    const { rows } = await this.client.execute({
      sql: "SELECT status, sha256, started_at FROM model_artifacts WHERE model = ? AND version = ?",
      args: [model, version],
    });
    const r = rows[0];
    return r ? { status: String(r.status), sha256: String(r.sha256), startedAt: Number(r.started_at) } : null;
  }

  /** Deletes a version's storage row (only in `onlyStatus`, never the live version) and its chunks; true if it did. */
  private async deleteStorage(model: string, version: string, onlyStatus: "writing" | "complete"): Promise<boolean> {
    // Row first, chunks second, in one transaction: a half-deleted version is never `complete`.
    const res = await this.client.batch(
      [
        {
          sql: "DELETE FROM model_artifacts WHERE model = ? AND version = ? AND status = ? AND NOT EXISTS (SELECT 1 FROM model_live WHERE model = ? AND version = ?)",
          args: [model, version, onlyStatus, model, version],
        },
        {
          sql: "DELETE FROM model_artifact_chunks WHERE model = ? AND version = ? AND NOT EXISTS (SELECT 1 FROM model_artifacts WHERE model = ? AND version = ?)",
          args: [model, version, model, version],
        },
      ],
      "write",
    );
    return res[0].rowsAffected > 0;
  }
}

function blobOf(v: unknown, where: string): Uint8Array<ArrayBuffer> {
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (v instanceof Uint8Array) return v.slice();
  throw new ArtifactCorruptError(`model registry: ${where} is not a BLOB`);
}

function parseMetrics(v: unknown): Record<string, number> {
  const parsed = metricsSchema.safeParse(JSON.parse(String(v)));
  return parsed.success ? parsed.data : {};
}

function toStoredVersion(r: Row): StoredVersion {
  return {
    model: String(r.model),
    version: String(r.version),
    metrics: parseMetrics(r.metrics),
    createdAt: Date.parse(String(r.created_at)),
    byteLength: Number(r.byte_length),
    chunkCount: Number(r.chunk_count),
    sha256: String(r.sha256),
  };
}
