/**
 * VectorIndex over Qdrant (REST via @qdrant/js-client-rest; fetch-based).
 *
 * - One collection per model version: `<prefix><version>` (default prefix "items_").
 * - The live version is the alias `<prefix>live`, switched with one `updateCollectionAliases` call
 *   (delete + create), which Qdrant applies atomically. "live" is therefore not a valid version.
 * - Point ids are UUIDv5 of the item id (see point-id.ts); the item id is kept in payload `item_id`.
 * - Payload indexes on `category` (keyword), `available` (bool) and `price` (float) keep filtered
 *   search fast; upserts are batched with `wait: true` so a returned upsert is searchable.
 * - Search uses the Query API (`/points/query`): Qdrant 1.19 no longer documents `/points/search`.
 */
import { QdrantClient } from "@qdrant/js-client-rest";
import {
  VectorIndexError,
  type CollectionInfo,
  type CollectionSpec,
  type SearchHit,
  type SearchOptions,
  type VectorDistance,
  type VectorIndex,
  type VectorPayload,
  type VectorPoint,
} from "../../ports/vector-index.js";
import { pointIdsFor } from "./point-id.js";
import { checkK, checkPoint, checkSpec, checkVector, checkVersion } from "./validate.js";

export interface QdrantVectorIndexOptions {
  url: string;
  apiKey?: string;
  /** Collection name prefix (default "items_"); the live alias is `<prefix>live`. */
  prefix?: string;
  /** Points per upsert request (default 256). */
  batchSize?: number;
  /** Per-request timeout in ms (default 10 000). */
  timeoutMs?: number;
}

type QdrantDistance = "Cosine" | "Dot";
const TO_QDRANT: Record<VectorDistance, QdrantDistance> = { cosine: "Cosine", dot: "Dot" };

type Condition = { key: string; match: { any: string[] } | { value: boolean } } | { has_id: string[] };

export class QdrantVectorIndex implements VectorIndex {
  private readonly client: QdrantClient;
  private readonly prefix: string;
  private readonly alias: string;
  private readonly batchSize: number;

  constructor(options: QdrantVectorIndexOptions) {
    this.client = new QdrantClient({
      url: options.url,
      apiKey: options.apiKey,
      checkCompatibility: false, // avoids a background GET / on construction
      timeout: options.timeoutMs ?? 10_000,
    });
    this.prefix = options.prefix ?? "items_";
    this.alias = `${this.prefix}live`;
    this.batchSize = options.batchSize ?? 256;
    if (!/^[A-Za-z0-9_-]*$/.test(this.prefix))
      throw new VectorIndexError("invalid_argument", `bad prefix ${this.prefix}`);
    if (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1) {
      throw new VectorIndexError("invalid_argument", `batchSize must be a positive integer, got ${this.batchSize}`);
    }
  }

  async ensureCollection(version: string, spec: CollectionSpec): Promise<void> {
    checkVersion(version);
    checkSpec(spec);
    const name = this.collectionName(version);
    try {
      await this.call(`ensure ${version}`, async () => {
        const { exists } = await this.client.collectionExists(name);
        if (!exists) {
          await this.client.createCollection(name, {
            vectors: { size: spec.dimension, distance: TO_QDRANT[spec.distance] },
          });
        }
      });
    } catch (e) {
      // A concurrent creator won the race: fine if it used the same spec, checked just below.
      if (!(e instanceof VectorIndexError && e.code === "conflict")) throw e;
    }
    const actual = await this.spec(version);
    if (actual.dimension !== spec.dimension || actual.distance !== spec.distance) {
      throw new VectorIndexError(
        "conflict",
        `version ${version} exists with ${actual.dimension}/${actual.distance}, asked for ${spec.dimension}/${spec.distance}`,
      );
    }
    // Idempotent in Qdrant, so also repairs a collection whose creator died before indexing.
    await this.call(`index ${version}`, async () => {
      for (const [field_name, field_schema] of [
        ["category", "keyword"],
        ["available", "bool"],
        ["price", "float"],
      ] as const) {
        await this.client.createPayloadIndex(name, { field_name, field_schema, wait: true });
      }
    });
  }

  async upsert(version: string, points: readonly VectorPoint[]): Promise<void> {
    checkVersion(version);
    const spec = await this.spec(version);
    for (const p of points) checkPoint(p, spec); // validate all before the first batch is written
    const name = this.collectionName(version);
    for (let start = 0; start < points.length; start += this.batchSize) {
      const batch = points.slice(start, start + this.batchSize);
      const ids = await pointIdsFor(batch.map((p) => p.id));
      const body = batch.map((p, i) => ({
        id: ids[i],
        vector: Array.from(p.vector),
        payload: { item_id: p.id, ...p.payload },
      }));
      await this.call(`upsert into ${version}`, () => this.client.upsert(name, { wait: true, points: body }));
    }
  }

  async delete(version: string, ids: readonly string[]): Promise<void> {
    checkVersion(version);
    const name = this.collectionName(version);
    if (ids.length === 0) {
      await this.spec(version); // still report a missing version
      return;
    }
    const pointIds = await pointIdsFor([...new Set(ids)]);
    await this.call(`delete from ${version}`, () => this.client.delete(name, { wait: true, points: pointIds }));
  }

  async search(query: Float32Array, options: SearchOptions): Promise<SearchHit[]> {
    checkK(options.k);
    if (options.version !== undefined) checkVersion(options.version);
    // The server checks the dimension; here: finite and non-zero (a zero query cannot rank anything).
    checkVector(query, { dimension: query.length, distance: "cosine" }, "query");
    const target = options.version === undefined ? this.alias : this.collectionName(options.version);
    const filter = options.filter ?? {};
    const must: Condition[] = [];
    if (filter.categories !== undefined) {
      if (filter.categories.length === 0) {
        await this.assertSearchable(options.version);
        return [];
      }
      must.push({ key: "category", match: { any: [...new Set(filter.categories)] } });
    }
    if (filter.availableOnly) must.push({ key: "available", match: { value: true } });
    const mustNot: Condition[] = filter.excludeIds?.length
      ? [{ has_id: await pointIdsFor([...new Set(filter.excludeIds)]) }]
      : [];
    const result = await this.call(`search ${options.version ?? "live"}`, () =>
      this.client.query(target, {
        query: Array.from(query),
        limit: options.k,
        with_payload: true,
        with_vector: false,
        ...(must.length || mustNot.length ? { filter: { must, must_not: mustNot } } : {}),
      }),
    );
    return result.points.map((p) => ({ id: itemIdOf(p.payload), score: p.score, payload: payloadOf(p.payload) }));
  }

  async setLive(version: string): Promise<void> {
    checkVersion(version);
    const name = this.collectionName(version);
    await this.call(`set live ${version}`, async () => {
      const { exists } = await this.client.collectionExists(name);
      if (!exists) throw new VectorIndexError("not_found", `no collection for version ${version}`);
      const { aliases } = await this.client.getAliases();
      const hasAlias = aliases.some((a) => a.alias_name === this.alias);
      // Creating an existing alias fails, so delete it in the same atomic call when it is there.
      await this.client.updateCollectionAliases({
        actions: [
          ...(hasAlias ? [{ delete_alias: { alias_name: this.alias } }] : []),
          { create_alias: { collection_name: name, alias_name: this.alias } },
        ],
      });
    });
  }

  async liveVersion(): Promise<string | null> {
    const { aliases } = await this.call("read live alias", () => this.client.getAliases());
    const live = aliases.find((a) => a.alias_name === this.alias);
    if (!live) return null;
    if (!live.collection_name.startsWith(this.prefix)) {
      throw new VectorIndexError(
        "backend",
        `alias ${this.alias} points at ${live.collection_name}, outside prefix ${this.prefix}`,
      );
    }
    return live.collection_name.slice(this.prefix.length);
  }

  async listVersions(): Promise<string[]> {
    const { collections } = await this.call("list collections", () => this.client.getCollections());
    return collections
      .map((c) => c.name)
      .filter((n) => n.startsWith(this.prefix))
      .map((n) => n.slice(this.prefix.length))
      .filter((v) => /^[A-Za-z0-9_-]{1,64}$/.test(v) && v !== "live")
      .sort();
  }

  async describe(version: string): Promise<CollectionInfo | null> {
    checkVersion(version);
    const name = this.collectionName(version);
    const { exists } = await this.call(`describe ${version}`, () => this.client.collectionExists(name));
    if (!exists) return null;
    const spec = await this.spec(version);
    const { count } = await this.call(`count ${version}`, () => this.client.count(name, { exact: true }));
    return { version, ...spec, count };
  }

  async dropVersion(version: string): Promise<boolean> {
    checkVersion(version);
    if ((await this.liveVersion()) === version) {
      throw new VectorIndexError("conflict", `version ${version} is live: point live elsewhere before dropping it`);
    }
    const name = this.collectionName(version);
    return this.call(`drop ${version}`, async () => {
      const { exists } = await this.client.collectionExists(name);
      if (!exists) return false;
      await this.client.deleteCollection(name);
      return true;
    });
  }

  private collectionName(version: string): string {
    return `${this.prefix}${version}`;
  }

  private async spec(version: string): Promise<CollectionSpec> {
    const info = await this.call(`read ${version}`, () => this.client.getCollection(this.collectionName(version)));
    const vectors = info.config.params.vectors;
    if (!vectors || typeof vectors.size !== "number" || (vectors.distance !== "Cosine" && vectors.distance !== "Dot")) {
      throw new VectorIndexError(
        "backend",
        `collection for ${version} is not a single unnamed Cosine/Dot vector collection`,
      );
    }
    return { dimension: vectors.size, distance: vectors.distance === "Cosine" ? "cosine" : "dot" };
  }

  private async assertSearchable(version: string | undefined): Promise<void> {
    if (version === undefined) {
      if ((await this.liveVersion()) === null) throw new VectorIndexError("not_found", "no live version");
      return;
    }
    await this.spec(version);
  }

  private async call<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (cause) {
      throw toVectorIndexError(what, cause);
    }
  }
}

function itemIdOf(payload: Record<string, unknown> | null | undefined): string {
  const id = payload?.item_id;
  if (typeof id !== "string")
    throw new VectorIndexError("backend", "Qdrant point without a string item_id in its payload");
  return id;
}

function payloadOf(payload: Record<string, unknown> | null | undefined): VectorPayload {
  const category = payload?.category;
  const available = payload?.available;
  const price = payload?.price;
  if (typeof category !== "string" || typeof available !== "boolean") {
    throw new VectorIndexError("backend", "Qdrant point payload lacks category/available");
  }
  return typeof price === "number" ? { category, available, price } : { category, available };
}

/** Maps client failures by HTTP status (ApiError carries it); anything without a status is a network failure. */
export function toVectorIndexError(what: string, cause: unknown): VectorIndexError {
  if (cause instanceof VectorIndexError) return cause;
  const status =
    typeof cause === "object" && cause !== null && "status" in cause
      ? (cause as { status: unknown }).status
      : undefined;
  const data =
    typeof cause === "object" && cause !== null && "data" in cause ? (cause as { data: unknown }).data : undefined;
  const detail = serverMessage(data) ?? (cause instanceof Error ? cause.message : String(cause));
  const msg = `Qdrant ${what}: ${detail}`;
  if (typeof status !== "number") {
    const timeout = cause instanceof Error && cause.name === "QdrantClientTimeoutError";
    return new VectorIndexError("unavailable", `${msg}${timeout ? " (timeout)" : ""}`, { cause });
  }
  if (status === 404) return new VectorIndexError("not_found", msg, { cause });
  if (status === 409) return new VectorIndexError("conflict", msg, { cause });
  if (status === 401 || status === 403) return new VectorIndexError("unauthorized", msg, { cause });
  if (status === 400 || status === 422) return new VectorIndexError("invalid_argument", msg, { cause });
  if (status === 502 || status === 503 || status === 504) return new VectorIndexError("unavailable", msg, { cause });
  return new VectorIndexError("backend", `${msg} (HTTP ${status})`, { cause });
}

function serverMessage(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const status = (data as { status?: unknown }).status;
  if (typeof status === "object" && status !== null && typeof (status as { error?: unknown }).error === "string") {
    return (status as { error: string }).error;
  }
  return undefined;
}
