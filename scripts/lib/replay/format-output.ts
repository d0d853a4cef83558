import { execFileSync } from "node:child_process";
import { join } from "node:path";

/**
 * Formats written JSON reports with the project's formatter (Biome), so files landing in docs/ pass the
 * `npm run lint` gate as written. A formatter failure is reported, not hidden; the file stays as written.
 */
export function formatWithBiome(files: readonly string[], log: (line: string) => void): void {
  try {
    execFileSync(join(process.cwd(), "node_modules", ".bin", "biome"), ["format", "--write", ...files], {
      stdio: ["ignore", "ignore", "pipe"],
    });
  } catch (e) {
    log(`warning: biome could not format ${files.join(", ")}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
