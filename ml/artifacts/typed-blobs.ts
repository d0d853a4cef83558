import type { ModelArtifact } from "../core/recommender.js";

/**
 * The typed arrays a ModelArtifact's blobs may be, by the dtype name the registry's artifact codec records
 * (src/recsys/models/artifact-codec.ts). Web-standard only, so Workers can import it.
 */
export const DTYPES = { float32: Float32Array, int32: Int32Array, uint32: Uint32Array, float64: Float64Array } as const;
export type Dtype = keyof typeof DTYPES;
export type BlobArray = ModelArtifact["blobs"][string];

export function dtypeOf(b: BlobArray): Dtype {
  if (b instanceof Float32Array) return "float32";
  if (b instanceof Int32Array) return "int32";
  if (b instanceof Uint32Array) return "uint32";
  return "float64";
}

/** Artifacts store raw little-endian bytes; `who` names the format in the error. */
export function assertLittleEndian(who: string): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
    throw new Error(`${who}: big-endian hosts are not supported`);
}
