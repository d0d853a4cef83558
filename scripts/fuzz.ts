import { parseArgs } from "node:util";
import { runFuzz } from "./lib/fuzz/run";
import { fuzzTarget } from "./lib/fuzz/target.node.js";

/**
 * `npm run fuzz -- --requests N [--seed S] [--concurrency C] [--in-process]`: every /openapi.json operation,
 * schema-aware and hostile inputs, as anonymous, each role and each API key scope, against a real HTTP server
 * (default) over a fresh database. Exit 1 on any 5xx, error body off the contract, or cross-account leak.
 */
const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "10000" },
    seed: { type: "string" },
    concurrency: { type: "string", default: "4" },
    "in-process": { type: "boolean", default: false },
  },
});
const requests = Number(values.requests);
const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isInteger(requests) || requests < 1) throw new Error("--requests must be a positive integer");

const target = await fuzzTarget({ server: !values["in-process"] });
console.log(`fuzz: ${requests} requests, seed ${seed}, ${values["in-process"] ? "in-process" : "real HTTP server"}`);
const report = await runFuzz(target, {
  requests,
  seed,
  concurrency: Number(values.concurrency),
  onProgress: (n, fiveXx, failures) =>
    n % 5_000 === 0 &&
    console.log(`  ${n} requests, ${fiveXx} x 5xx, ${failures} failures (${new Date().toISOString()})`),
});
await target.close();
const byKind: Record<string, number> = {};
for (const f of report.failures) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
console.log(
  JSON.stringify(
    { ...report, failures: undefined, failuresByKind: byKind, firstFailures: report.failures.slice(0, 20) },
    null,
    2,
  ),
);
process.exit(report.failures.length === 0 ? 0 : 1);
