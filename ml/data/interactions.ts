import type { Sequence } from "../core/recommender.js";

/**
 * A loaded interaction log: every user's items in time order with dense integer ids. Loaders build it,
 * protocols split it. `userIds[u]` / `itemIds[i]` map dense indices back to the source's ids.
 */
export interface InteractionLog {
  /** Where it came from (file path), for reports. */
  source: string;
  userIds: string[];
  itemIds: string[];
  /** sequences[u].user === u; items in time order. */
  sequences: Sequence[];
  /** False when the source has no timestamps (SASRec txt): time decay and the session protocol need them. */
  hasTimestamps: boolean;
  itemText?: (string | undefined)[];
}

/** Assigns dense indices to external ids in first-seen order. */
export class IdMap {
  private readonly index = new Map<string, number>();
  readonly ids: string[] = [];

  get(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.index.set(id, i);
      this.ids.push(id);
    }
    return i;
  }

  lookup(id: string): number | undefined {
    return this.index.get(id);
  }

  get size(): number {
    return this.ids.length;
  }
}

/** Per-user event buffers that become sorted typed-array sequences. */
export class SequenceBuilder {
  private readonly items: number[][] = [];
  private readonly times: number[][] = [];

  add(user: number, item: number, timestamp: number): void {
    while (this.items.length <= user) {
      this.items.push([]);
      this.times.push([]);
    }
    this.items[user].push(item);
    this.times[user].push(timestamp);
  }

  /** Stable sort by timestamp keeps the file order among equal timestamps (and for timestamp-less files). */
  build(numUsers: number): Sequence[] {
    const out: Sequence[] = [];
    for (let u = 0; u < numUsers; u++) {
      const items = this.items[u] ?? [];
      const times = this.times[u] ?? [];
      const order = items.map((_, j) => j).sort((a, b) => times[a] - times[b] || a - b);
      out.push({
        user: u,
        items: Int32Array.from(order, (j) => items[j]),
        timestamps: Float64Array.from(order, (j) => times[j]),
      });
    }
    return out;
  }
}

export function countInteractions(log: InteractionLog): number {
  let n = 0;
  for (const s of log.sequences) n += s.items.length;
  return n;
}

/** A held-out next-item case: the history before the target (oldest first) and the target item. */
export interface HeldOutCase {
  user: number;
  history: Int32Array;
  historyTimestamps: Float64Array;
  target: number;
  /** Time of the target event (ms), 0 when unknown. */
  timestamp: number;
}
