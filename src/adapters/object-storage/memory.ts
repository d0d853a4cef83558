import { assertSafeObjectKey, type ObjectStorage, type StoredObject } from "../../ports/object-storage";

/** In-process object storage (tests, tools): copies in and out so callers cannot mutate stored bytes. */
export class MemoryObjectStorage implements ObjectStorage {
  readonly kind = "memory";
  private readonly objects = new Map<string, StoredObject>();

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    assertSafeObjectKey(key);
    this.objects.set(key, { body: body.slice(), contentType, size: body.byteLength });
  }

  async get(key: string): Promise<StoredObject | null> {
    assertSafeObjectKey(key);
    const o = this.objects.get(key);
    return o ? { ...o, body: o.body.slice() } : null;
  }

  async delete(key: string): Promise<void> {
    assertSafeObjectKey(key);
    this.objects.delete(key);
  }

  get size(): number {
    return this.objects.size;
  }
}
