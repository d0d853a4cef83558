/**
 * Publishes the Node-trained serving models into the libSQL registry at DATABASE_URL (embedded file or
 * Turso), where the api Worker loads them:
 *
 *   npm run publish-models -- [--from data/registry] [--models popularity,covisitation,...] [--live]
 *                             [--train-missing] [--chunk-kb 512]
 *
 * `--from`: the ml/ file registry the Node server writes (default data/registry). `--train-missing`: first
 * train any serving model that registry lacks, in this process, from the reviews + events at DATABASE_URL
 * (what `npm start` does at first start). `--live`: move each model's live pointer to the published version
 * now instead of leaving promotion to the scheduler. Applies pending migrations first.
 * Exit codes: 0 every model published or already there, 1 a model is missing (nothing trained it), 78 bad config.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MemoryVectorIndex } from "../src/adapters/vector-index/memory";
import { DbEventLogAdapter } from "../src/recsys/events/event-log-adapter";
import { bootstrapModels } from "../src/recsys/models/bootstrap";
import { DEFAULT_CHUNK_BYTES, LibsqlArtifactRegistry } from "../src/recsys/models/libsql-artifact-registry";
import { MlRegistryAdapter } from "../src/recsys/models/ml-registry.node.js";
import { publishModels } from "../src/recsys/models/publish";
import { logAt } from "../src/ports/logger";
import { buildCliDeps } from "../src/deps/node-base.node.js";
import { runCli, withMigratedDatabase } from "./lib/database-cli";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      from: { type: "string", default: join("data", "registry") },
      models: { type: "string" },
      live: { type: "boolean", default: false },
      "train-missing": { type: "boolean", default: false },
      "chunk-kb": { type: "string" },
    },
  });
  const chunkBytes = values["chunk-kb"] ? Number(values["chunk-kb"]) * 1024 : DEFAULT_CHUNK_BYTES;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1024 || chunkBytes > 1024 * 1024) {
    console.error("--chunk-kb must be a whole number from 1 to 1024 (Turso bounds a request's size)");
    return 1;
  }
  return withMigratedDatabase(async ({ config, client, db }) => {
    const deps = buildCliDeps(config, db);
    // Progress as JSON lines on stderr (the CLI logger); the report goes to stdout.
    const log = logAt(deps.logger);
    const source = MlRegistryAdapter.atDir(values.from);
    if (values["train-missing"]) {
      const events = new DbEventLogAdapter(db, deps.events);
      await bootstrapModels({
        db,
        registry: source,
        events,
        vectors: new MemoryVectorIndex(),
        now: Date.now(),
        log,
        trainMissing: true,
      });
    }
    const target = new LibsqlArtifactRegistry(client, { chunkBytes });
    const models = values.models
      ?.split(",")
      .map((m) => m.trim())
      .filter(Boolean);
    const report = await publishModels(source, target, { models, live: values.live, log });
    console.log(
      JSON.stringify(
        { database: config.DATABASE_URL.replace(/\?.*$/, ""), from: values.from, models: report },
        null,
        2,
      ),
    );
    return report.some((r) => r.status === "missing") ? 1 : 0;
  });
}

runCli(main);
