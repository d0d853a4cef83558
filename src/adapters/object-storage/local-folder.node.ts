import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { assertSafeObjectKey, type ObjectStorage, type StoredObject } from "../../ports/object-storage";

/**
 * Object storage in a local folder (the embedded default: `<data dir>/objects`). Each object is its bytes in
 * `<root>/<key>` plus its content type in `<root>/<key>.meta.json`. Keys are checked twice: the port's safe-key
 * rule (no `..`, no absolute paths) and a resolved-path check that the file stays under the root. Writes go to
 * a temp file renamed into place, so a reader never sees half an object.
 */
export class LocalFolderObjectStorage implements ObjectStorage {
  readonly kind = "local";
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private pathOf(key: string): string {
    assertSafeObjectKey(key);
    const p = resolve(join(this.root, key));
    if (!p.startsWith(this.root + sep)) throw new Error(`object key escapes the storage folder: ${key}`);
    return p;
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    const p = this.pathOf(key);
    await mkdir(dirname(p), { recursive: true });
    const tmp = `${p}.${crypto.randomUUID()}.tmp`;
    await writeFile(tmp, body);
    await writeFile(`${p}.meta.json`, JSON.stringify({ contentType }));
    await rename(tmp, p);
  }

  async get(key: string): Promise<StoredObject | null> {
    const p = this.pathOf(key);
    let body: Uint8Array;
    try {
      body = new Uint8Array(await readFile(p));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
    let contentType = "application/octet-stream";
    try {
      const meta: unknown = JSON.parse(await readFile(`${p}.meta.json`, "utf8"));
      if (meta && typeof meta === "object" && typeof (meta as { contentType?: unknown }).contentType === "string")
        contentType = (meta as { contentType: string }).contentType;
    } catch {
      // No sidecar (a file put there by hand): served as bytes; the photo route re-sniffs the type anyway.
    }
    return { body, contentType, size: body.byteLength };
  }

  async delete(key: string): Promise<void> {
    const p = this.pathOf(key);
    await rm(p, { force: true });
    await rm(`${p}.meta.json`, { force: true });
  }
}
