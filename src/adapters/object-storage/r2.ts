import { assertSafeObjectKey, type ObjectStorage, type StoredObject } from "../../ports/object-storage";

/**
 * The subset of Cloudflare's R2Bucket binding this adapter uses (declared here so shared code does not need
 * the workers-types globals, and tests can pass a fake with the same shape).
 */
export interface R2BucketLike {
  put(
    key: string,
    value: ArrayBuffer | Uint8Array,
    options?: { httpMetadata?: { contentType?: string } },
  ): Promise<unknown>;
  get(key: string): Promise<{
    arrayBuffer(): Promise<ArrayBuffer>;
    size: number;
    httpMetadata?: { contentType?: string };
  } | null>;
  delete(key: string): Promise<void>;
}

/** Object storage on an R2 bucket binding (the api Worker's `PHOTOS` binding, see wrangler.toml). */
export class R2ObjectStorage implements ObjectStorage {
  readonly kind = "r2";
  constructor(private readonly bucket: R2BucketLike) {}

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    assertSafeObjectKey(key);
    await this.bucket.put(key, body, { httpMetadata: { contentType } });
  }

  async get(key: string): Promise<StoredObject | null> {
    assertSafeObjectKey(key);
    const o = await this.bucket.get(key);
    if (!o) return null;
    const body = new Uint8Array(await o.arrayBuffer());
    return { body, size: body.byteLength, contentType: o.httpMetadata?.contentType ?? "application/octet-stream" };
  }

  async delete(key: string): Promise<void> {
    assertSafeObjectKey(key);
    await this.bucket.delete(key);
  }
}

/** True when a binding looks like an R2 bucket (duck-typed: bindings arrive as `unknown`). */
export const isR2Bucket = (v: unknown): v is R2BucketLike =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as R2BucketLike).put === "function" &&
  typeof (v as R2BucketLike).get === "function" &&
  typeof (v as R2BucketLike).delete === "function";
