/**
 * `npx tsx scripts/bench/reload.ts [--db <file>] [--models popularity] [--runs 3]`
 *
 * How long a model reload holds a serving process's event loop. Loads the registry's live models as a Node
 * serving process does (src/deps/node.node.ts, LEARNER=off: no timers), then --runs times: registers the live
 * artifact of each of --models again under a new version (a rotation as selection makes one), and times
 * `recsys.reloadIfChanged()` on this thread while a 1 ms timer records every gap over 15 ms (a request
 * arriving then waits that long). Prints one JSON line per reload: wall ms, the longest gap, all gaps.
 * Writes registry versions into --db: use a copy (e.g. of data/bench/serve-30000/serve.db), never the original.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../../src/config";
import { createNodeLibsqlClient } from "../../src/db/client.node.js";
import { createDatabase } from "../../src/db/database";
import { buildNodeDeps, createNodeLogger } from "../../src/deps/node.node.js";
import { LibsqlArtifactRegistry } from "../../src/adapters/model-registry/libsql";

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "/tmp/serve-copy.db" },
    models: { type: "string", default: "popularity" },
    runs: { type: "string", default: "3" },
  },
});
const models = values.models.split(",");
const config = loadConfig({ DATABASE_URL: `file:${values.db}`, LOG_LEVEL: "warn", DEMO_DATA: "false", LEARNER: "off" });
const client = await createNodeLibsqlClient(config.DATABASE_URL);
const db = createDatabase(client);
const { deps } = await buildNodeDeps(config, { db, logger: createNodeLogger(config, 2), trainMissing: false });
const registry = new LibsqlArtifactRegistry(client);
const gaps: number[] = [];
let last = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  if (now - last > 15) gaps.push(Math.round(now - last));
  last = now;
}, 1);
for (let r = 0; r < Number(values.runs); r++) {
  for (const m of models) {
    const live = await registry.live(m);
    if (!live) throw new Error(`no live version of ${m}`);
    await registry.register(m, { ...live.artifact, version: undefined }, live.metrics, { live: true, reason: "bench" });
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  gaps.length = 0;
  const t0 = performance.now();
  last = t0;
  const report = await deps.recsys.reloadIfChanged();
  const ms = performance.now() - t0;
  console.log(
    JSON.stringify({ models, reloaded: report.reloaded, ms: Math.round(ms), longestGapMs: Math.max(0, ...gaps), gaps }),
  );
}
clearInterval(timer);
client.close();
process.exit(0);
