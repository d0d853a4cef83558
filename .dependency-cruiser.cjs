// Dependency rules of the code base (docs/architecture.md), checked by `npm run lint:deps` and `npm test`.
// Run through scripts/lint-deps.mjs, which hands dependency-cruiser type-stripped copies of the sources
// (it cannot parse TypeScript 7's sources itself): paths here end in .js for what is a .ts file, and a
// type-only import is a `require` dependency there (layering rules count it; cycle and node:* rules do not).
//
// Exceptions are listed per rule, each with its reason; remove one as soon as its reason is gone.
const { readdirSync, readFileSync, statSync } = require("node:fs");
const { join } = require("node:path");

const TS = "\\.(js|ts)$";

/**
 * Modules that load a node:* builtin at run time (type-only imports excluded: they are `require` in the
 * copies), as one regex: dependency-cruiser cannot follow reachability into builtins themselves, so the
 * Worker rule below asks whether a Worker entry reaches one of these.
 */
function nodeOnlyModules() {
  const hits = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (
        /\.(js|mjs)$/.test(name) &&
        /\bimport\b[^;]*?["']node:|\bimport\(\s*["']node:/.test(readFileSync(path, "utf8"))
      )
        hits.push(path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    }
  };
  for (const dir of ["src", "ml"]) {
    try {
      walk(dir);
    } catch {
      // Not run from the type-stripped copies (scripts/lint-deps.mjs): no such modules to name.
    }
  }
  return hits.length > 0 ? `^(${hits.join("|")})$` : "^$";
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "ml-not-to-app",
      comment:
        "ml/ is the algorithms library: src/ may import ml/, never the reverse. Only ml/cli/** (composition roots, " +
        "like scripts/ and workers/) may reach the app.",
      severity: "error",
      from: {
        path: "^ml/",
        pathNot: "^ml/cli/",
      },
      to: { path: "^(src|scripts|workers|test)/" },
    },
    {
      name: "domain-not-to-adapters",
      comment:
        "Routes, services, recsys and the app code against ports (src/ports/**); which adapter backs a port is " +
        "decided by the entries and the dependency assembly (src/server/**, src/deps/**, workers/**, scripts/**).",
      severity: "error",
      from: {
        path: `^src/(app${TS}|routes/|services/|recsys/|http/|web/)`,
        pathNot: [
          // The Node wiring of recsys (adapters from config, registry, refresh timer), called by src/deps/node.node.ts:
          // a composition root still living under recsys/ (its home is src/deps/).
          `^src/recsys/start\\.node${TS}`,
          // The embed work (issue 14.2) landed its wiring inside recsys: the re-embed worker and cold-start
          // (Node entries' helpers) pick the embedder adapter, content-index picks Qdrant or the in-process
          // index. Composition that belongs in src/deps/; until it moves there, these files are roots too.
          `^src/recsys/embeddings/(reembed-worker\\.node|cold-start\\.node|content-index)${TS}`,
          // The learner's worker-thread entry (issue 14.1): it opens its own connection, event log and registry.
          `^src/recsys/learner/worker-loop\\.node${TS}`,
        ],
      },
      to: { path: "^src/adapters/" },
    },
    {
      name: "adapters-not-to-entries",
      comment: "Adapters implement ports; they never reach up into routes, the app or an entry.",
      severity: "error",
      from: { path: "^src/adapters/" },
      to: { path: [`^src/(app${TS}|routes/|http/|server/|deps/)`, "^(workers|scripts)/"] },
    },
    {
      name: "node-builtins-only-in-node-code",
      comment:
        "Shared code runs in workerd too (no nodejs_compat): node:* only in *.node.ts files, the Node server " +
        "(src/server/**), CLIs (scripts/**), ml/** (training; what Workers import of ml must still avoid it) and " +
        "tests. Type-only imports do not count: they are erased.",
      severity: "error",
      from: { pathNot: [`\\.node${TS}`, "^src/server/", "^scripts/", "^ml/", "^test/"] },
      to: { dependencyTypes: ["core"], dependencyTypesNot: ["require"] },
    },
    {
      name: "workers-reach-no-node-builtins",
      comment:
        "What the Worker bundles import, transitively, must not load node:* (wrangler.toml has no nodejs_compat). " +
        "A warning until the scheduler no longer reaches ml's sequential trainer (node:worker_threads).",
      severity: "warn",
      from: { path: "^workers/" },
      to: { path: nodeOnlyModules(), reachable: true },
    },
    {
      name: "no-circular",
      comment: "No import cycles among runtime imports (type-only cycles are erased at build and allowed).",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["require"] } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)node_modules/" },
    enhancedResolveOptions: { extensions: [".js", ".mjs", ".cjs", ".json"] },
  },
};
