import { describe, expect, it } from "vitest";
import type { ObjectStorage } from "../../src/ports/object-storage";

/** Unsafe keys every adapter refuses before touching its backend (path traversal, absolute paths, hidden files). */
export const UNSAFE_KEYS = [
  "",
  "../escape.jpg",
  "a/../../b.jpg",
  "/etc/passwd",
  "a//b",
  "a/./b",
  "..",
  ".hidden",
  "a\\..\\b",
  "a/b%2F..",
  "x".repeat(600),
  "a/b/c/d/e/f/g/h/i",
  "ünïcode.jpg",
  "space name.jpg",
];

/** The ObjectStorage contract, run against each adapter. */
export function objectStorageContract(name: string, make: () => Promise<ObjectStorage> | ObjectStorage) {
  describe(`ObjectStorage contract: ${name}`, () => {
    it("stores, reads back and deletes an object with its content type", async () => {
      const s = await make();
      const body = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
      await s.put("listing-photos/a1.png", body, "image/png");
      const got = await s.get("listing-photos/a1.png");
      expect(got?.contentType).toBe("image/png");
      expect(got?.size).toBe(body.byteLength);
      expect([...(got?.body ?? [])]).toEqual([...body]);
      await s.delete("listing-photos/a1.png");
      expect(await s.get("listing-photos/a1.png")).toBeNull();
    });

    it("a missing key reads as null and deletes without error", async () => {
      const s = await make();
      expect(await s.get("listing-photos/missing.jpg")).toBeNull();
      await expect(s.delete("listing-photos/missing.jpg")).resolves.toBeUndefined();
    });

    it("overwrites an existing key", async () => {
      const s = await make();
      await s.put("k/one.bin", new Uint8Array([1]), "application/octet-stream");
      await s.put("k/one.bin", new Uint8Array([2, 2]), "image/jpeg");
      const got = await s.get("k/one.bin");
      expect([...(got?.body ?? [])]).toEqual([2, 2]);
      expect(got?.contentType).toBe("image/jpeg");
    });

    it.each(UNSAFE_KEYS)("refuses the unsafe key %j on put, get and delete", async (key) => {
      const s = await make();
      await expect(s.put(key, new Uint8Array([1]), "image/png")).rejects.toThrow(/unsafe object key/);
      await expect(s.get(key)).rejects.toThrow(/unsafe object key/);
      await expect(s.delete(key)).rejects.toThrow(/unsafe object key/);
    });
  });
}
