/**
 * Object storage for uploaded files (listing photos). Keys are opaque, slash-separated names the caller builds
 * from validated parts (see `isSafeObjectKey`); adapters refuse anything else, so a key can never leave the
 * store (no `..`, no absolute paths, no backslashes). Adapters: R2 on Workers, a local folder on the embedded
 * default, memory in tests (src/adapters/object-storage/).
 */
export interface StoredObject {
  body: Uint8Array;
  contentType: string;
  size: number;
}

export interface ObjectStorage {
  /** Which backend, for /readyz and logs. */
  readonly kind: "r2" | "local" | "memory" | "unconfigured";
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** The object, or null when there is none under `key`. */
  get(key: string): Promise<StoredObject | null>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** 1–8 segments of [A-Za-z0-9._-], none of them `.` or `..`, none starting with a dot; at most 512 characters. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export function isSafeObjectKey(key: string): boolean {
  if (key.length === 0 || key.length > 512) return false;
  const parts = key.split("/");
  return parts.length <= 8 && parts.every((p) => SEGMENT.test(p) && p !== "." && p !== "..");
}

export class UnsafeObjectKeyError extends Error {
  constructor(key: string) {
    super(`unsafe object key: ${JSON.stringify(key.slice(0, 100))}`);
    this.name = "UnsafeObjectKeyError";
  }
}

export function assertSafeObjectKey(key: string): void {
  if (!isSafeObjectKey(key)) throw new UnsafeObjectKeyError(key);
}
