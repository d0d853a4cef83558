import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ModelArtifact } from "../core/recommender.js";
import { assertLittleEndian, dtypeOf, DTYPES, type BlobArray, type Dtype } from "./typed-blobs.js";

/** manifest.json: everything except the binaries, so serving can check a version before reading blobs. */
export interface ArtifactManifest {
  format: "recircuit-model-artifact/1";
  model: string;
  version: string;
  params: Record<string, unknown>;
  createdAt: string;
  /** Little-endian raw typed-array files. */
  blobs: Record<string, { file: string; dtype: Dtype; length: number; sha256: string }>;
  itemIdsFile: string;
  numItems: number;
}

function bytesOf(b: BlobArray): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Writes an artifact as manifest.json + item-ids.json + one .bin per blob into `dir`. */
export function saveArtifact(
  dir: string,
  artifact: ModelArtifact,
  version: string,
  createdAt = new Date(),
): ArtifactManifest {
  assertLittleEndian("artifact store");
  mkdirSync(dir, { recursive: true });
  const blobs: ArtifactManifest["blobs"] = {};
  for (const [name, b] of Object.entries(artifact.blobs)) {
    const dtype = dtypeOf(b);
    const file = `${name.replace(/[^A-Za-z0-9._-]/g, "__")}.${dtype}.bin`;
    const bytes = bytesOf(b);
    writeFileSync(join(dir, file), bytes);
    blobs[name] = { file, dtype, length: b.length, sha256: createHash("sha256").update(bytes).digest("hex") };
  }
  writeFileSync(join(dir, "item-ids.json"), JSON.stringify(artifact.itemIds));
  const manifest: ArtifactManifest = {
    format: "recircuit-model-artifact/1",
    model: artifact.model,
    version,
    params: artifact.params,
    createdAt: createdAt.toISOString(),
    blobs,
    itemIdsFile: "item-ids.json",
    numItems: artifact.itemIds.length,
  };
  writeFileSync(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Reads an artifact back, verifying every blob's length and checksum. */
export function loadArtifact(dir: string): ModelArtifact {
  assertLittleEndian("artifact store");
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as ArtifactManifest;
  if (manifest.format !== "recircuit-model-artifact/1")
    throw new Error(`${dir}: unknown artifact format ${String(manifest.format)}`);
  const blobs: ModelArtifact["blobs"] = {};
  for (const [name, meta] of Object.entries(manifest.blobs)) {
    const bytes = readFileSync(join(dir, meta.file));
    const sha = createHash("sha256").update(bytes).digest("hex");
    if (sha !== meta.sha256) throw new Error(`${dir}/${meta.file}: checksum mismatch`);
    const Ctor = DTYPES[meta.dtype];
    // Copy into a fresh, aligned buffer (Node's Buffer pool may not be aligned for the element size).
    const aligned = new Uint8Array(bytes.byteLength);
    aligned.set(bytes);
    const arr = new Ctor(aligned.buffer);
    if (arr.length !== meta.length)
      throw new Error(`${dir}/${meta.file}: expected ${meta.length} values, found ${arr.length}`);
    blobs[name] = arr;
  }
  const itemIds = JSON.parse(readFileSync(join(dir, manifest.itemIdsFile), "utf8")) as string[];
  if (itemIds.length !== manifest.numItems)
    throw new Error(`${dir}: item-ids.json has ${itemIds.length} ids, manifest says ${manifest.numItems}`);
  return { model: manifest.model, version: manifest.version, params: manifest.params, blobs, itemIds };
}
