import type { Sequence, TrainData } from "../../../ml/core/recommender.js";
import type { Database } from "../../db/database";
import type { ItemCatalog } from "../catalog";
import type { EventLog, LoggedEventType } from "../../ports/event-log";

/** Event kinds that say "interested in this item" (the rest are negative or not interactions). */
export const POSITIVE_TYPES: ReadonlySet<LoggedEventType> = new Set(["view", "click", "cart", "favorite", "purchase"]);

/**
 * Interaction sequences for in-process training: every reviewer's reviews plus every user's or session's
 * positive events, each in time order, on the catalog's item indices (so artifacts come out aligned).
 */
export async function loadTrainData(
  db: Database,
  catalog: ItemCatalog,
  events: EventLog,
): Promise<{ data: TrainData; actorKeys: string[]; interactions: number; latest: number; lastSeq: number }> {
  const byActor = new Map<string, { items: number[]; ts: number[] }>();
  const push = (actor: string, item: number | undefined, ts: number): void => {
    if (item === undefined) return;
    let s = byActor.get(actor);
    if (!s) byActor.set(actor, (s = { items: [], ts: [] }));
    s.items.push(item);
    s.ts.push(ts);
  };
  let afterRow = 0;
  for (;;) {
    const res = await db.$client.execute({
      sql: "SELECT id, user_id, parent_asin, timestamp FROM reviews WHERE id > ? ORDER BY id LIMIT 50000",
      args: [afterRow],
    });
    for (const r of res.rows) {
      push(`r:${String(r.user_id)}`, catalog.indexOf.get(String(r.parent_asin)), Number(r.timestamp));
      afterRow = Number(r.id);
    }
    if (res.rows.length < 50_000) break;
  }
  let lastSeq = 0;
  for (;;) {
    const batch = await events.since(lastSeq, 50_000, [...POSITIVE_TYPES]);
    lastSeq = batch.scannedTo;
    for (const e of batch.events) {
      if (!e.itemId) continue;
      push(e.userId ? `u:${e.userId}` : `s:${e.sessionId ?? ""}`, catalog.indexOf.get(e.itemId), e.ts);
    }
    if (!batch.more) break;
  }
  const sequences: Sequence[] = [];
  const actorKeys: string[] = [];
  let interactions = 0;
  let latest = 0;
  for (const [key, s] of byActor) {
    actorKeys.push(key);
    const order = s.items.map((_, j) => j).sort((a, b) => s.ts[a] - s.ts[b] || a - b);
    const seq: Sequence = {
      user: sequences.length,
      items: Int32Array.from(order, (j) => s.items[j]),
      timestamps: Float64Array.from(order, (j) => s.ts[j]),
    };
    sequences.push(seq);
    interactions += seq.items.length;
    for (const t of seq.timestamps) if (t > latest) latest = t;
  }
  return {
    data: { numItems: catalog.size, numUsers: sequences.length, sequences, itemIds: catalog.ids },
    actorKeys,
    interactions,
    latest,
    lastSeq,
  };
}
