import { UnavailableError } from "../../domain/errors";
import type { ObjectStorage } from "../../ports/object-storage";

/**
 * A runtime without a store (a Worker deployed without its R2 binding): uploads and photo reads answer 503
 * `object_storage_unconfigured` naming the missing binding, instead of pretending to store anything.
 */
export class UnconfiguredObjectStorage implements ObjectStorage {
  readonly kind = "unconfigured";
  constructor(private readonly hint: string) {}
  private fail(): never {
    throw new UnavailableError("object_storage_unconfigured", `object storage is not configured: ${this.hint}`);
  }
  async put(): Promise<void> {
    this.fail();
  }
  async get(): Promise<null> {
    this.fail();
  }
  async delete(): Promise<void> {
    this.fail();
  }
}
