// Installs dependencies when node_modules is missing or older than package-lock.json, so `npm start`
// and `npm test` work on a fresh clone. Plain Node (no dependencies): it runs before any are installed.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

export function ensureInstalled() {
  const marker = "node_modules/.package-lock.json";
  const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync("package-lock.json").mtimeMs;
  if (!stale) return;
  console.error("[recircuit] installing dependencies (npm ci)…");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (result.status !== 0) {
    console.error("[recircuit] npm ci failed; see the output above");
    process.exit(result.status ?? 1);
  }
}
