import type { Sequence, TrainData } from "../../../ml/core/recommender.js";
import type { Database } from "../../db/database";
import type { ItemCatalog } from "../catalog";
import type { EventLog, LoggedEventType, StoredEvent } from "../../ports/event-log";
import { POSITIVE_TYPES } from "../models/train-data";

/** Event-log rows read per query while loading. */
const PAGE = 50_000;

/** Interaction events after a seq, without their context (what training reads: millions of rows). */
export interface InteractionReader {
  interactionsSince(
    afterSeq: number,
    limit: number,
  ): Promise<{
    events: Pick<StoredEvent, "seq" | "type" | "itemId" | "userId" | "sessionId" | "ts">[];
    scannedTo: number;
    more: boolean;
  }>;
}

const TABLE_TYPE: Readonly<Record<string, LoggedEventType>> = { cart_add: "cart" };

/**
 * Bulk reader over the events table: only the columns training needs, each page of rows returned as one
 * JSON cell (`json_group_array`). Through `@libsql/client` every cell of a row object costs a property
 * definition, which made reading 1M events the longest step of a full retrain; one string per page is
 * parsed natively. Same rows, order and `scannedTo` semantics as `EventLog.since` with POSITIVE_TYPES.
 */
export function eventsTableReader(db: Database): InteractionReader {
  const types = ["view", "click", "cart_add", "favorite", "purchase"];
  return {
    async interactionsSince(afterSeq, limit) {
      const res = await db.$client.batch(
        [
          { sql: "SELECT coalesce(max(rowid), 0) AS top FROM events", args: [] },
          {
            sql: `SELECT count(*) AS n, coalesce(max(seq), 0) AS last,
                         coalesce(json_group_array(json_array(seq, type, parent_asin, user_id, anon_id, ts)), '[]') AS rows
                  FROM (SELECT rowid AS seq, type, parent_asin, user_id, anon_id, ts FROM events
                        WHERE rowid > ? AND type IN (${types.map(() => "?").join(",")}) ORDER BY rowid LIMIT ?)`,
            args: [afterSeq, ...types, limit],
          },
        ],
        "read",
      );
      const top = Number(res[0].rows[0].top);
      const n = Number(res[1].rows[0].n);
      const rows = JSON.parse(String(res[1].rows[0].rows)) as [
        number,
        string,
        string | null,
        string | null,
        string | null,
        number,
      ][];
      const events = rows
        .map(([seq, type, itemId, userId, sessionId, ts]) => ({
          seq,
          type: TABLE_TYPE[type] ?? (type as LoggedEventType),
          itemId,
          userId,
          sessionId,
          ts,
        }))
        .sort((x, y) => x.seq - y.seq); // the aggregate's input order is SQLite's choice, not a promise
      const full = n === limit;
      return { events, scannedTo: full ? Number(res[1].rows[0].last) : Math.max(afterSeq, top), more: full };
    },
  };
}

/** One actor's interactions in time order (reviews have seq 0: they precede every logged event). */
export interface ActorLog {
  key: string;
  items: number[];
  ts: number[];
  seq: number[];
  /** Graded interest of the event (EVENT_GAIN; reviews 0), for the ranker's labels. */
  gain: number[];
}

/** Graded labels for ranker training: how strongly an event says "wanted this item". */
export const EVENT_GAIN: Readonly<Record<string, number>> = { view: 1, click: 1, favorite: 2, cart: 3, purchase: 4 };

/**
 * The learner's view of the interaction history: every reviewer's reviews and every user's or session's
 * positive events (view, click, cart, favorite, purchase), per actor in time order, on catalog indices.
 * The same sequences `loadTrainData` gives the bootstrap (same actor keys, same order), plus each event's
 * log position, so the learner can cut a holdout at any seq and append new events without re-reading.
 *
 * It is a cache of the event log and the reviews table, never the only copy of anything: the learner
 * process builds it at its first cycle and extends it by `since(seq)` afterwards; a restart rebuilds it.
 */
export class TrainingLog {
  readonly actors: ActorLog[] = [];
  private readonly actorIndex = new Map<string, number>();
  /** Highest event-log seq read (events after it are not included). */
  lastSeq = 0;
  interactions = 0;

  private constructor(readonly catalog: ItemCatalog) {}

  /** Reads the reviews and the whole event log. */
  static async load(db: Database, catalog: ItemCatalog, events: EventLog | InteractionReader): Promise<TrainingLog> {
    const log = new TrainingLog(catalog);
    let afterRow = 0;
    for (;;) {
      const res = await db.$client.execute({
        sql: "SELECT id, user_id, parent_asin, timestamp FROM reviews WHERE id > ? ORDER BY id LIMIT ?",
        args: [afterRow, PAGE],
      });
      for (const r of res.rows) {
        const item = catalog.indexOf.get(String(r.parent_asin));
        if (item !== undefined) log.push(`r:${String(r.user_id)}`, item, Number(r.timestamp), 0, 0);
        afterRow = Number(r.id);
      }
      if (res.rows.length < PAGE) break;
    }
    // Reviews arrive in row order; the bootstrap sorts each actor by time, so does this.
    for (const a of log.actors) sortActor(a);
    await log.extend(events, Number.POSITIVE_INFINITY);
    return log;
  }

  /**
   * Appends positive events logged after `lastSeq` (at most `maxEvents`). Each lands at its time-ordered
   * place in its actor's sequence (after equal timestamps, as a stable sort by time puts it); incremental
   * models find what changed with `eventsAfter(seq)`.
   */
  async extend(events: EventLog | InteractionReader, maxEvents: number): Promise<{ events: number }> {
    let read = 0;
    for (;;) {
      const limit = Math.min(PAGE, Math.max(1, maxEvents - read));
      const batch =
        "interactionsSince" in events
          ? await events.interactionsSince(this.lastSeq, limit)
          : await events.since(this.lastSeq, limit, [...POSITIVE_TYPES]);
      for (const e of batch.events) this.add(e);
      read += batch.events.length;
      this.lastSeq = batch.scannedTo;
      if (!batch.more || read >= maxEvents) break;
    }
    return { events: read };
  }

  private add(e: Pick<StoredEvent, "itemId" | "userId" | "sessionId" | "ts" | "seq" | "type">): void {
    if (!e.itemId) return;
    const item = this.catalog.indexOf.get(e.itemId);
    if (item === undefined) return;
    const key = e.userId ? `u:${e.userId}` : `s:${e.sessionId ?? ""}`;
    const actor = this.push(key, item, e.ts, e.seq, EVENT_GAIN[e.type] ?? 1);
    const a = this.actors[actor];
    // Usually the newest; a late client timestamp sorts back into place (stable: after equal times).
    let p = a.items.length - 1;
    while (p > 0 && a.ts[p - 1] > e.ts) {
      swap(a, p, p - 1);
      p--;
    }
  }

  private push(key: string, item: number, ts: number, seq: number, gain: number): number {
    let idx = this.actorIndex.get(key);
    if (idx === undefined) {
      idx = this.actors.length;
      this.actorIndex.set(key, idx);
      this.actors.push({ key, items: [], ts: [], seq: [], gain: [] });
    }
    const a = this.actors[idx];
    a.items.push(item);
    a.ts.push(ts);
    a.seq.push(seq);
    a.gain.push(gain);
    this.interactions++;
    return idx;
  }

  /**
   * Training data as of event-log position `maxSeq` (reviews always included): the sequences the
   * bootstrap's `loadTrainData` would have built from a log that ended there. Actors with nothing left
   * keep an empty sequence so sequence indices stay aligned with `actors`.
   */
  trainData(maxSeq = Number.POSITIVE_INFINITY): TrainData & { interactions: number; latest: number } {
    const sequences: Sequence[] = [];
    let interactions = 0;
    let latest = 0;
    for (const a of this.actors) {
      let items: Int32Array;
      let timestamps: Float64Array;
      if (maxSeq === Number.POSITIVE_INFINITY) {
        items = Int32Array.from(a.items);
        timestamps = Float64Array.from(a.ts);
      } else {
        const keep: number[] = [];
        for (let j = 0; j < a.items.length; j++) if (a.seq[j] <= maxSeq) keep.push(j);
        items = Int32Array.from(keep, (j) => a.items[j]);
        timestamps = Float64Array.from(keep, (j) => a.ts[j]);
      }
      if (items.length === 0) continue;
      sequences.push({ user: sequences.length, items, timestamps });
      interactions += items.length;
      for (const t of timestamps) if (t > latest) latest = t;
    }
    return {
      numItems: this.catalog.size,
      numUsers: sequences.length,
      sequences,
      itemIds: this.catalog.ids,
      interactions,
      latest,
    };
  }

  /** Index of an actor key (`u:<user>`, `s:<session>`, `r:<reviewer>`), if it has interactions. */
  actorOf(key: string): ActorLog | undefined {
    const i = this.actorIndex.get(key);
    return i === undefined ? undefined : this.actors[i];
  }

  /** Logged positive events with seq > `afterSeq` (in seq order). */
  countAfter(afterSeq: number): number {
    let n = 0;
    for (const a of this.actors) for (const s of a.seq) if (s > afterSeq) n++;
    return n;
  }

  /** Logged positive events with seq > `afterSeq`, as (actor, position) pairs in seq order. */
  eventsAfter(afterSeq: number): { actor: number; position: number; seq: number }[] {
    const out: { actor: number; position: number; seq: number }[] = [];
    this.actors.forEach((a, actor) => {
      for (let j = 0; j < a.seq.length; j++) if (a.seq[j] > afterSeq) out.push({ actor, position: j, seq: a.seq[j] });
    });
    return out.sort((x, y) => x.seq - y.seq);
  }

  /** The seq at which the newest `n` logged interactions begin (0 when there are fewer). */
  windowStart(n: number): number {
    const seqs: number[] = [];
    for (const a of this.actors) for (const s of a.seq) if (s > 0) seqs.push(s);
    seqs.sort((x, y) => x - y);
    if (seqs.length <= n) return seqs.length > 0 ? seqs[0] : 0;
    return seqs[seqs.length - n];
  }
}

function swap(a: ActorLog, i: number, j: number): void {
  [a.items[i], a.items[j]] = [a.items[j], a.items[i]];
  [a.ts[i], a.ts[j]] = [a.ts[j], a.ts[i]];
  [a.seq[i], a.seq[j]] = [a.seq[j], a.seq[i]];
  [a.gain[i], a.gain[j]] = [a.gain[j], a.gain[i]];
}

/** Stable sort by time (the bootstrap's order: time, then arrival). */
function sortActor(a: ActorLog): void {
  const order = a.items.map((_, j) => j).sort((x, y) => a.ts[x] - a.ts[y] || x - y);
  a.items = order.map((j) => a.items[j]);
  a.ts = order.map((j) => a.ts[j]);
  a.seq = order.map((j) => a.seq[j]);
  a.gain = order.map((j) => a.gain[j]);
}
