/** Argument checks shared by VectorIndex adapters, so every adapter rejects the same inputs the same way. */
import { MAX_SEARCH_K, VectorIndexError, type CollectionSpec, type VectorPoint } from "../../ports/vector-index.js";

const VERSION_RE = /^[A-Za-z0-9_-]{1,64}$/;

export function checkVersion(version: string): void {
  if (typeof version !== "string" || !VERSION_RE.test(version) || version === "live") {
    throw new VectorIndexError(
      "invalid_argument",
      `invalid version name ${JSON.stringify(version)}: use [A-Za-z0-9_-]{1,64}, not "live"`,
    );
  }
}

export function checkSpec(spec: CollectionSpec): void {
  if (!Number.isSafeInteger(spec.dimension) || spec.dimension < 1 || spec.dimension > 65_536) {
    throw new VectorIndexError("invalid_argument", `dimension must be an integer in 1..65536, got ${spec.dimension}`);
  }
  if (spec.distance !== "cosine" && spec.distance !== "dot") {
    throw new VectorIndexError("invalid_argument", `distance must be "cosine" or "dot", got ${String(spec.distance)}`);
  }
}

/** Validates a vector against a collection spec; returns its squared norm. */
export function checkVector(vector: Float32Array, spec: CollectionSpec, what: string): number {
  if (!(vector instanceof Float32Array) || vector.length !== spec.dimension) {
    throw new VectorIndexError(
      "invalid_argument",
      `${what}: expected a Float32Array of length ${spec.dimension}, got ${vector instanceof Float32Array ? vector.length : typeof vector}`,
    );
  }
  let sq = 0;
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i];
    if (!Number.isFinite(x)) throw new VectorIndexError("invalid_argument", `${what}: component ${i} is not finite`);
    sq += x * x;
  }
  if (spec.distance === "cosine" && sq === 0) {
    throw new VectorIndexError("invalid_argument", `${what}: zero vector has no direction under cosine distance`);
  }
  return sq;
}

export function checkPoint(point: VectorPoint, spec: CollectionSpec): void {
  if (typeof point.id !== "string" || point.id.length === 0) {
    throw new VectorIndexError("invalid_argument", "point id must be a non-empty string");
  }
  const p = point.payload;
  if (typeof p !== "object" || p === null || typeof p.category !== "string" || typeof p.available !== "boolean") {
    throw new VectorIndexError(
      "invalid_argument",
      `point ${point.id}: payload needs category (string) and available (boolean)`,
    );
  }
  if (p.price !== undefined && !Number.isFinite(p.price)) {
    throw new VectorIndexError("invalid_argument", `point ${point.id}: price must be a finite number`);
  }
  checkVector(point.vector, spec, `point ${point.id}`);
}

export function checkK(k: number): void {
  if (!Number.isSafeInteger(k) || k < 1 || k > MAX_SEARCH_K) {
    throw new VectorIndexError("invalid_argument", `k must be an integer in 1..${MAX_SEARCH_K}, got ${k}`);
  }
}
