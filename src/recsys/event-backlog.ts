import type { Database } from "../db/database";
import type { ModelRegistry } from "../ports/model-registry";
import { M } from "./learner/cycle";

/**
 * The count models the learner refits every cycle: their newest versions' `learner.eventSeq` is how far the
 * event log has been folded into trained versions (the embeddings follow at full runs only, by design).
 */
const FOLDED_BY = ["popularity", "covisitation", "session-knn"] as const;
/** Interaction types training reads, in the events table's vocabulary (impressions are not training input). */
const INTERACTION_TYPES = ["view", "click", "cart_add", "favorite", "purchase"];

/** Event-log position every folding model's newest learner version includes (0 when one has none). */
export async function foldedEventSeq(registry: ModelRegistry): Promise<number> {
  let folded = Number.POSITIVE_INFINITY;
  for (const model of FOLDED_BY) {
    let newest = 0;
    for (const v of await registry.versions(model, 20)) newest = Math.max(newest, v.metrics[M.eventSeq] ?? 0);
    folded = Math.min(folded, newest);
  }
  return folded;
}

/**
 * Interaction events logged after the position the newest trained versions include: what the next learner
 * cycle would fold in. With no learner version yet it counts every logged interaction.
 */
export async function eventBacklog(db: Database, registry: ModelRegistry): Promise<number> {
  const after = await foldedEventSeq(registry);
  const res = await db.$client.execute({
    sql: `SELECT count(*) AS n FROM events WHERE rowid > ? AND type IN (${INTERACTION_TYPES.map(() => "?").join(",")})`,
    args: [after, ...INTERACTION_TYPES],
  });
  return Number(res.rows[0].n);
}

/**
 * `eventBacklog` for scrapes: at most one count per `maxAgeMs` (a backlog of a million events is a scan of
 * tens of milliseconds; scrapers and several Prometheus replicas should not each pay it). Concurrent calls
 * share one query; a failed one is not cached.
 */
export function cachedEventBacklog(
  db: Database,
  registry: ModelRegistry,
  { maxAgeMs = 10_000, now = Date.now }: { maxAgeMs?: number; now?: () => number } = {},
): () => Promise<number> {
  let last: { at: number; value: number } | null = null;
  let running: Promise<number> | null = null;
  return () => {
    if (last && now() - last.at < maxAgeMs) return Promise.resolve(last.value);
    running ??= eventBacklog(db, registry)
      .then((value) => {
        last = { at: now(), value };
        return value;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
}
