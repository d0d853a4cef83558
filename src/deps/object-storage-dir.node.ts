import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Config } from "../config";

/**
 * Where the local object storage keeps its files: OBJECT_STORAGE_DIR, else `objects/` beside a `file:` database
 * (the data dir: ./data/objects by default), else ./data/objects (a remote database has no local folder).
 */
export function objectStorageDir(config: Config): string {
  if (config.OBJECT_STORAGE_DIR) return resolve(config.OBJECT_STORAGE_DIR);
  const url = config.DATABASE_URL;
  if (url.startsWith("file:")) {
    const path = url.startsWith("file://") ? fileURLToPath(url) : url.slice("file:".length);
    return resolve(dirname(path), "objects");
  }
  return resolve("data", "objects");
}
