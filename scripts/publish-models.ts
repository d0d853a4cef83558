/**
 * Models already live in the database: the Node server (first start, learner) and `npm run train` register
 * them in the registry tables of DATABASE_URL, where the api Worker loads them too. This command is what is
 * left of publishing:
 *
 *   npm run publish-models -- --from file:./data/recircuit.db [--models popularity,covisitation,...] [--live]
 *                             [--chunk-kb 512]
 *   npm run publish-models -- --train-missing
 *   npm run publish-models                      (lists what DATABASE_URL's registry holds; copies nothing)
 *
 * `--from <libsql url>`: copies each model's live version from another database's registry (e.g. the Node
 * server's embedded file) into DATABASE_URL's (e.g. the Turso database the Workers read), keeping version
 * ids, metrics and creation times (`FROM_DATABASE_AUTH_TOKEN` authenticates a remote source).
 * `--train-missing`: trains any serving model DATABASE_URL's registry lacks, in this process, from the
 * reviews + events in that database (what `npm start` does at first start). `--live`: move each published
 * model's live pointer now instead of leaving promotion to the scheduler's rotation. Applies pending
 * migrations first. Exit codes: 0 every model published or already there, 1 a model is missing, 78 bad config.
 */
import { parseArgs } from "node:util";
import { createDbEventLog } from "../src/adapters/event-log/libsql";
import { DEFAULT_CHUNK_BYTES, LibsqlArtifactRegistry } from "../src/adapters/model-registry/libsql";
import { MemoryVectorIndex } from "../src/adapters/vector-index/memory";
import { timeOrderedId } from "../src/context";
import { createNodeLibsqlClient } from "../src/db/client.node.js";
import { buildCliDeps } from "../src/deps/node-base.node.js";
import { logAt } from "../src/ports/logger";
import { bootstrapModels } from "../src/recsys/models/bootstrap";
import { PUBLISHED_MODELS, publishModels, type PublishReport } from "../src/recsys/models/publish";
import { runCli, withMigratedDatabase } from "./lib/database-cli";

const withoutQuery = (url: string): string => url.replace(/\?.*$/, "");

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      from: { type: "string" },
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
  const models =
    values.models
      ?.split(",")
      .map((m) => m.trim())
      .filter(Boolean) ?? PUBLISHED_MODELS;
  return withMigratedDatabase(async ({ config, client, db }) => {
    // Progress as JSON lines on stderr (the CLI logger); the report goes to stdout.
    const log = logAt(buildCliDeps(config, db).logger);
    const target = new LibsqlArtifactRegistry(client, { chunkBytes });
    const database = withoutQuery(config.DATABASE_URL);
    if (values["train-missing"]) {
      await bootstrapModels({
        db,
        registry: target,
        events: createDbEventLog(db, Date.now, timeOrderedId),
        vectors: new MemoryVectorIndex(),
        now: Date.now(),
        log,
        trainMissing: true,
      });
    }
    if (values.from === undefined) {
      // Nothing to copy: report what serving will load from DATABASE_URL.
      const report: PublishReport[] = [];
      for (const model of models) {
        const version = await target.liveVersion(model);
        const stored = version ? (await target.versions(model)).find((v) => v.version === version) : undefined;
        report.push(
          version ? { model, status: "already", version, bytes: stored?.byteLength } : { model, status: "missing" },
        );
      }
      // Said whatever LOG_LEVEL is: it explains why nothing was copied.
      if (!values["train-missing"])
        console.error(`models already live in the registry of ${database}: nothing to publish without --from`);
      console.log(JSON.stringify({ database, from: null, models: report }, null, 2));
      return report.some((r) => r.status === "missing") ? 1 : 0;
    }
    if (withoutQuery(values.from) === database) {
      console.error("--from names DATABASE_URL itself: its models are already there");
      return 1;
    }
    const sourceClient = await createNodeLibsqlClient(values.from, process.env.FROM_DATABASE_AUTH_TOKEN);
    try {
      const source = new LibsqlArtifactRegistry(sourceClient);
      const report = await publishModels(source, target, { models, live: values.live, log });
      console.log(JSON.stringify({ database, from: withoutQuery(values.from), models: report }, null, 2));
      return report.some((r) => r.status === "missing") ? 1 : 0;
    } finally {
      sourceClient.close();
    }
  });
}

runCli(main);
