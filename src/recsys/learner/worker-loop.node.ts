import { createNodeLibsqlClient } from "../../db/client.node.js";
import { createDatabase } from "../../db/database";
import { timeOrderedId } from "../../context";
import { createDbEventLog } from "../../adapters/event-log/libsql";
import { LibsqlArtifactRegistry } from "../../adapters/model-registry/libsql";
import type { Log } from "../models/bootstrap";
import { REGISTRY_MODELS } from "../models/serving-model-names";
import { queuedVersions } from "../selection/queue";
import { SelectionStore } from "../selection/store";
import { runLearnerCycle, type LearnerCache, type LearnerDeps, type LearnerOptions, type LearnerReport } from "./cycle";

/** What the learner process needs to open its own connection to the app database. */
export interface LearnerConnection {
  databaseUrl: string;
  authToken?: string;
}

/**
 * Learner deps over a connection of its own (the worker thread's, or `npm run learn`'s): the same database
 * file or URL the server uses, the libSQL registry in it, the event log over it.
 */
export async function openLearnerDeps(
  c: LearnerConnection,
  log: Log,
  now: () => number = Date.now,
): Promise<{ deps: LearnerDeps; close: () => void; prune: () => Promise<number> }> {
  const client = await createNodeLibsqlClient(c.databaseUrl, c.authToken);
  const db = createDatabase(client);
  const events = createDbEventLog(db, now, timeOrderedId);
  const registry = new LibsqlArtifactRegistry(client, { now });
  const cache: LearnerCache = {};
  // Incremental cycles register a few MB a minute: without pruning the database would grow by the models'
  // size every cycle. Kept: the newest 10 versions of each model, the live one and the 2 before it, and the
  // versions waiting in the selection module's queue (an outside version waits while retrains land).
  const prune = async (): Promise<number> => {
    const keep = await queuedVersions({ store: new SelectionStore(db), registry }, REGISTRY_MODELS);
    return (await registry.pruneVersions({ keepNewest: 10, keepPrevious: 2, keep })).length;
  };
  return { deps: { db, events, registry, now, log, cache }, close: () => client.close(), prune };
}

/**
 * The learner's loop: a cycle, then a pause of `intervalMs`, until `stopped()`. A cycle that throws is
 * reported to `onError` and the next one is tried after the pause (with the cache dropped, so it starts from
 * the database again); it never ends the loop.
 */
export async function learnerLoop(
  deps: LearnerDeps,
  o: {
    intervalMs: number;
    options: LearnerOptions;
    stopped: () => boolean;
    sleep: (ms: number) => Promise<void>;
    onReport: (r: LearnerReport) => void;
    /** `ms`: how long the failed cycle ran. */
    onError: (err: unknown, ms: number) => void;
    /** After a cycle that registered versions: drop old versions' bytes. */
    prune?: () => Promise<number>;
  },
): Promise<void> {
  while (!o.stopped()) {
    const started = performance.now();
    try {
      const report = await runLearnerCycle(deps, o.options);
      if (o.prune && report.models.some((m) => m.status === "registered")) {
        const pruned = await o.prune();
        if (pruned > 0) deps.log("learner: pruned old model versions", { versions: pruned });
      }
      o.onReport(report);
    } catch (err) {
      if (deps.cache) for (const k of Object.keys(deps.cache)) delete deps.cache[k as keyof LearnerCache];
      o.onError(err, performance.now() - started);
    }
    if (o.stopped()) break;
    await o.sleep(o.intervalMs);
  }
}
