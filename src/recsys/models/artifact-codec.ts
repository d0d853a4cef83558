import { z } from "zod";
import type { ModelArtifact } from "../../../ml/core/recommender.js";
import { assertLittleEndian, dtypeOf, DTYPES } from "../../../ml/artifacts/typed-blobs.js";

/**
 * One ModelArtifact as a single byte payload plus a small JSON manifest (Web APIs only, so Workers can
 * decode what Node encoded). Payload: every blob's little-endian bytes at an 8-byte aligned offset, then
 * the item ids as UTF-8 JSON. Alignment lets the decoder return typed-array views into one buffer
 * instead of copying each blob again (a Worker has 128 MB).
 */
export const ARTIFACT_FORMAT = "recircuit-model-artifact/db-1";

export const manifestSchema = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  model: z.string(),
  params: z.record(z.string(), z.unknown()),
  blobs: z.array(
    z.object({
      name: z.string(),
      dtype: z.enum(["float32", "int32", "uint32", "float64"]),
      length: z.number().int().min(0),
      offset: z.number().int().min(0),
    }),
  ),
  itemIds: z.object({
    offset: z.number().int().min(0),
    byteLength: z.number().int().min(0),
    count: z.number().int().min(0),
  }),
  byteLength: z.number().int().min(0),
});
export type ArtifactManifest = z.infer<typeof manifestSchema>;

export class ArtifactCorruptError extends Error {
  override readonly name = "ArtifactCorruptError";
}

const align8 = (n: number): number => (n + 7) & ~7;

export function encodeArtifact(artifact: ModelArtifact): {
  manifest: ArtifactManifest;
  payload: Uint8Array<ArrayBuffer>;
} {
  assertLittleEndian("artifact codec");
  const ids = new TextEncoder().encode(JSON.stringify(artifact.itemIds));
  const blobs: ArtifactManifest["blobs"] = [];
  let offset = 0;
  for (const [name, b] of Object.entries(artifact.blobs)) {
    blobs.push({ name, dtype: dtypeOf(b), length: b.length, offset });
    offset = align8(offset + b.byteLength);
  }
  const byteLength = offset + ids.byteLength;
  const payload = new Uint8Array(byteLength);
  for (const meta of blobs) {
    const b = artifact.blobs[meta.name];
    payload.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), meta.offset);
  }
  payload.set(ids, offset);
  const manifest: ArtifactManifest = {
    format: ARTIFACT_FORMAT,
    model: artifact.model,
    params: artifact.params,
    blobs,
    itemIds: { offset, byteLength: ids.byteLength, count: artifact.itemIds.length },
    byteLength,
  };
  return { manifest, payload };
}

/** Rebuilds the artifact; any inconsistency between manifest and payload is an ArtifactCorruptError. */
export function decodeArtifact(
  manifest: ArtifactManifest,
  payload: Uint8Array<ArrayBuffer>,
  version: string,
  where: string,
): ModelArtifact {
  assertLittleEndian("artifact codec");
  if (payload.byteLength !== manifest.byteLength)
    throw new ArtifactCorruptError(
      `${where}: payload is ${payload.byteLength} bytes, manifest says ${manifest.byteLength}`,
    );
  // Views need an 8-aligned base: copy only when the caller's buffer is not (the registry's always is).
  const base = payload.byteOffset % 8 === 0 ? payload : payload.slice();
  const blobs: ModelArtifact["blobs"] = {};
  for (const meta of manifest.blobs) {
    const Ctor = DTYPES[meta.dtype];
    const end = meta.offset + meta.length * Ctor.BYTES_PER_ELEMENT;
    if (meta.offset % 8 !== 0 || end > manifest.itemIds.offset)
      throw new ArtifactCorruptError(`${where}: blob ${meta.name} lies outside its slot`);
    blobs[meta.name] = new Ctor(base.buffer, base.byteOffset + meta.offset, meta.length);
  }
  const { offset, byteLength, count } = manifest.itemIds;
  if (offset + byteLength !== payload.byteLength)
    throw new ArtifactCorruptError(`${where}: item ids do not end the payload`);
  let itemIds: unknown;
  try {
    itemIds = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(base.subarray(offset, offset + byteLength)));
  } catch (err) {
    throw new ArtifactCorruptError(
      `${where}: item ids are not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  if (!Array.isArray(itemIds) || itemIds.length !== count || itemIds.some((id) => typeof id !== "string")) {
    throw new ArtifactCorruptError(`${where}: expected ${count} string item ids`);
  }
  return { model: manifest.model, version, params: manifest.params, blobs, itemIds: itemIds as string[] };
}

/** Hex SHA-256 (Web Crypto: the same in Node 20 and workerd). */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let out = "";
  for (const b of digest) out += b.toString(16).padStart(2, "0");
  return out;
}
