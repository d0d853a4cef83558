/**
 * Loads Amazon Reviews 2023 files into the database.
 *   npm run ingest -- <file>... [--database-url URL] [--batch N] [--json]
 *   npm run ingest -- --download <Category> [--dest dir]   (then ingests what it downloaded)
 * Formats (raw reviews/meta JSONL, benchmark CSVs, items_meta CSV; plain or .gz) are detected per file.
 */
import { parseArgs } from "node:util";
import { createNodeLibsqlClient } from "../src/db/client.node.js";
import { createDatabase } from "../src/db/database";
import { runMigrations } from "../src/db/migrate.node.js";
import { DownloadError, downloadCategory } from "../src/ingest/download.node.js";
import { ingestFiles } from "../src/ingest/ingest-service.node.js";
import { markAbandonedRuns } from "../src/ops/abandoned-runs.node.js";
import { formatRunReport } from "../src/ingest/report";
import { catalogRevision, refreshSearchHeads } from "../src/services/catalog/search-heads";

const USAGE =
  "usage: npm run ingest -- <file>... [--database-url URL] [--batch N] [--json] | --download <Category> [--dest dir]";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "database-url": { type: "string" },
      batch: { type: "string" },
      download: { type: "string" },
      dest: { type: "string" },
      "raw-base-url": { type: "string" },
      "benchmark-base-url": { type: "string" },
      "cache-mib": { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const files = [...positionals];
  if (values.download) {
    try {
      files.push(
        ...(await downloadCategory(values.download, values.dest ?? `data/amazon-2023/${values.download}`, {
          log,
          bases: { raw: values["raw-base-url"], benchmark: values["benchmark-base-url"] },
        })),
      );
    } catch (e) {
      if (e instanceof DownloadError) {
        log(`error: ${e.message}`);
        return 2;
      }
      throw e;
    }
  }
  if (files.length === 0) {
    log(USAGE);
    return 1;
  }
  const batch = values.batch === undefined ? undefined : Number(values.batch);
  if (batch !== undefined && !(Number.isInteger(batch) && batch > 0)) {
    log(`error: --batch must be a positive integer, got "${values.batch}"`);
    return 1;
  }
  const url = values["database-url"] ?? process.env.DATABASE_URL ?? "file:./data/recircuit.db";
  const client = await createNodeLibsqlClient(url, process.env.DATABASE_AUTH_TOKEN);
  try {
    const db = createDatabase(client);
    await runMigrations(db);
    const abandoned = await markAbandonedRuns(client);
    if (abandoned.ingest.length > 0)
      log(
        `[ingest] ${abandoned.ingest.length} earlier run(s) whose process died marked failed: ${abandoned.ingest.join(", ")}`,
      );
    const before = await catalogRevision(db);
    const report = await ingestFiles(db, files, {
      batchSize: batch,
      log,
      cacheSizeMiB: values["cache-mib"] === undefined ? undefined : Number(values["cache-mib"]),
    });
    log(formatRunReport(report));
    // Products changed (the catalog revision moved): rebuild the search head lists now, so a server finds them
    // current (it would otherwise rebuild them itself, in the background). Ratings-only runs leave them alone.
    const after = await catalogRevision(db);
    if (after.revision !== before.revision) {
      const heads = await refreshSearchHeads(db, { log, pause: async () => {} });
      log(
        `[ingest] search head lists: ${heads.status} at revision ${heads.revision}, ${heads.expressions} lists in ${(heads.ms / 1000).toFixed(1)} s`,
      );
    }
    for (const f of report.files) {
      for (const s of f.skippedSamples.slice(0, 10)) log(`  ${f.file}:${s.lineNumber}: ${s.reason}: ${s.detail}`);
    }
    if (values.json) console.log(JSON.stringify(report));
    const failedFiles = report.files.filter((f) => f.format === "unknown").length;
    return failedFiles > 0 ? 1 : 0;
  } finally {
    client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
