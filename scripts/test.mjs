// `npm test`: the whole suite. Installs what is missing, lints and checks formatting (Biome), checks the
// dependency rules (dependency-cruiser), type-checks, lints the OpenAPI document (Redocly), runs the Node suite
// (real libSQL, real redis-server, real browser) and the workerd suite, then prints one closing line with the totals.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, existsSync } from "node:fs";
import { ensureInstalled } from "./ensure-install.mjs";

ensureInstalled();
mkdirSync(".tmp", { recursive: true });

const steps = [
  { name: "lint", cmd: ["npx", "biome", "check", "."] },
  // Dependency rules (.dependency-cruiser.cjs): layering, node:* only in Node code, no import cycles.
  { name: "deps", cmd: ["node", "scripts/lint-deps.mjs"] },
  { name: "typecheck", cmd: ["npx", "tsc", "-p", ".", "--noEmit"] },
  // The OpenAPI document the app serves, dumped without a server, against Redocly's rules (redocly.yaml).
  { name: "openapi", cmd: ["npm", "run", "--silent", "lint:openapi"] },
  {
    name: "node",
    cmd: [
      "npx",
      "vitest",
      "run",
      "--config",
      "vitest.config.ts",
      "--reporter=default",
      "--reporter=json",
      "--outputFile=.tmp/vitest-node.json",
    ],
    report: ".tmp/vitest-node.json",
  },
  {
    name: "workerd",
    cmd: [
      "npx",
      "vitest",
      "run",
      "--config",
      "vitest.workerd.config.ts",
      "--reporter=default",
      "--reporter=json",
      "--outputFile=.tmp/vitest-workerd.json",
    ],
    report: ".tmp/vitest-workerd.json",
  },
];

let passed = 0;
let failed = 0;
let skipped = 0;
let ok = true;
// Check steps (lint, deps, typecheck) have no test count: each one that fails counts as one failure.
const failedChecks = [];
for (const step of steps) {
  console.log(`\n=== ${step.name}: ${step.cmd.join(" ")}`);
  const started = Date.now();
  const result = spawnSync(step.cmd[0], step.cmd.slice(1), {
    stdio: "inherit",
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  console.log(`=== ${step.name}: exit ${result.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.status !== 0) ok = false;
  if (result.status !== 0 && !step.report) {
    failed += 1;
    failedChecks.push(step.name);
  }
  if (step.report) {
    if (!existsSync(step.report)) {
      ok = false;
      console.error(`=== ${step.name}: no report written`);
      continue;
    }
    const r = JSON.parse(readFileSync(step.report, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  }
}
if (passed === 0) ok = false;
const checks = failedChecks.length > 0 ? ` (failed checks: ${failedChecks.join(", ")})` : "";
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped${checks}`);
process.exit(ok && failed === 0 ? 0 : 1);
