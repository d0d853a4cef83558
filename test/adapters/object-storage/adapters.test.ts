import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalFolderObjectStorage } from "../../../src/adapters/object-storage/local-folder.node";
import { MemoryObjectStorage } from "../../../src/adapters/object-storage/memory";
import { isR2Bucket, R2ObjectStorage, type R2BucketLike } from "../../../src/adapters/object-storage/r2";
import { UnconfiguredObjectStorage } from "../../../src/adapters/object-storage/unconfigured";
import { objectStorageDir } from "../../../src/deps/object-storage-dir.node";
import { loadConfig } from "../../../src/config";
import { isSafeObjectKey } from "../../../src/ports/object-storage";
import { objectStorageContract } from "../../ports/object-storage.contract";

/** An in-memory stand-in with the R2Bucket binding's shape (put with httpMetadata, get → body + metadata). */
class FakeR2Bucket implements R2BucketLike {
  readonly objects = new Map<string, { bytes: Uint8Array; contentType?: string }>();
  async put(key: string, value: ArrayBuffer | Uint8Array, options?: { httpMetadata?: { contentType?: string } }) {
    const bytes = value instanceof Uint8Array ? value.slice() : new Uint8Array(value);
    this.objects.set(key, { bytes, contentType: options?.httpMetadata?.contentType });
    return {};
  }
  async get(key: string) {
    const o = this.objects.get(key);
    if (!o) return null;
    return {
      size: o.bytes.byteLength,
      httpMetadata: { contentType: o.contentType },
      arrayBuffer: async () => o.bytes.slice().buffer as ArrayBuffer,
    };
  }
  async delete(key: string) {
    this.objects.delete(key);
  }
}

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "recircuit-objects-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

objectStorageContract("memory", () => new MemoryObjectStorage());
objectStorageContract("local folder", () => new LocalFolderObjectStorage(tempDir()));
objectStorageContract("R2 (binding-shaped fake)", () => new R2ObjectStorage(new FakeR2Bucket()));

describe("local folder adapter", () => {
  it("writes under its root only, with a content-type sidecar and no temp files left", async () => {
    const root = tempDir();
    const s = new LocalFolderObjectStorage(join(root, "objects"));
    await s.put("listing-photos/p.jpg", new Uint8Array([0xff, 0xd8, 0xff]), "image/jpeg");
    expect(readdirSync(join(root, "objects", "listing-photos")).sort()).toEqual(["p.jpg", "p.jpg.meta.json"]);
    expect(readdirSync(root)).toEqual(["objects"]);
  });

  it("a traversal key writes nothing anywhere", async () => {
    const root = tempDir();
    const s = new LocalFolderObjectStorage(join(root, "objects"));
    await expect(s.put("../outside.jpg", new Uint8Array([1]), "image/jpeg")).rejects.toThrow();
    expect(existsSync(join(root, "outside.jpg"))).toBe(false);
    expect(existsSync(join(root, "objects"))).toBe(false);
  });
});

describe("object keys and wiring", () => {
  it("accepts the keys the photo service builds", () => {
    expect(isSafeObjectKey("listing-photos/0193c5a0-7c1e-7d2a-9b1e-3f0a6c1d2e4f.webp")).toBe(true);
  });

  it("the local folder defaults to objects/ beside a file: database, or OBJECT_STORAGE_DIR", () => {
    const base = { NODE_ENV: "test", DATABASE_URL: "file:/srv/data/recircuit.db" };
    expect(objectStorageDir(loadConfig(base))).toBe("/srv/data/objects");
    expect(objectStorageDir(loadConfig({ ...base, OBJECT_STORAGE_DIR: "/mnt/photos" }))).toBe("/mnt/photos");
  });

  it("recognises an R2 binding by shape and refuses other values", () => {
    expect(isR2Bucket(new FakeR2Bucket())).toBe(true);
    expect(isR2Bucket(undefined)).toBe(false);
    expect(isR2Bucket("PHOTOS")).toBe(false);
  });

  it("without a store every call is a 503-kind error naming the missing binding", async () => {
    const s = new UnconfiguredObjectStorage("bind an R2 bucket as PHOTOS");
    await expect(s.put()).rejects.toMatchObject({ code: "object_storage_unconfigured", kind: "unavailable" });
    await expect(s.get()).rejects.toThrow(/PHOTOS/);
  });
});
