// Installs dependencies when node_modules is missing or older than package-lock.json, so `npm start`
// and `npm test` work on a fresh clone. Plain Node (no dependencies): it runs before any are installed.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, statSync } from "node:fs";

export function ensureInstalled() {
  // A symlinked node_modules is another checkout's install (git worktrees share one): `npm ci` through the
  // link would delete it under every process using it. A fresh checkout's newer lockfile mtime is not a reason.
  if (existsSync("node_modules") && lstatSync("node_modules").isSymbolicLink()) return;
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
