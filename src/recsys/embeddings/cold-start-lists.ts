import type { SourceResult } from "../feed/candidates";
import type { RecallContext } from "../feed/recall/types";

/** Catalog-index neighbour lists, best first. */
export interface ScoredList {
  items: Int32Array;
  scores: Float32Array;
}

/**
 * Content neighbours for cold items, on catalog indices of one ServingModels: `forward` (cold item -> the
 * items whose text is nearest) answers "similar to this new product"; `reverse` (item -> cold items near it)
 * lets a new product be recalled for a history of items like it.
 */
export interface ColdStartLists {
  forward: Map<number, ScoredList>;
  reverse: Map<number, ScoredList>;
  /** Cold items covered. */
  size: number;
}

/** Reverse entries kept per item: a popular item must not drag in every new product that resembles it. */
const REVERSE_PER_ITEM = 10;

/** Lists keyed by item id (kept across model reloads) onto the catalog indices of the models serving now. */
export function buildColdStartLists(
  indexOf: ReadonlyMap<string, number>,
  byId: ReadonlyMap<string, { ids: readonly string[]; scores: readonly number[] }>,
): ColdStartLists {
  const forward = new Map<number, ScoredList>();
  const reverseAcc = new Map<number, { item: number; score: number }[]>();
  for (const [id, list] of byId) {
    const a = indexOf.get(id);
    if (a === undefined) continue;
    const items: number[] = [];
    const scores: number[] = [];
    list.ids.forEach((nid, j) => {
      const b = indexOf.get(nid);
      if (b === undefined || b === a || !(list.scores[j] > 0)) return;
      items.push(b);
      scores.push(list.scores[j]);
      let rev = reverseAcc.get(b);
      if (!rev) reverseAcc.set(b, (rev = []));
      rev.push({ item: a, score: list.scores[j] });
    });
    forward.set(a, { items: Int32Array.from(items), scores: Float32Array.from(scores) });
  }
  const reverse = new Map<number, ScoredList>();
  for (const [b, rev] of reverseAcc) {
    rev.sort((x, y) => y.score - x.score || x.item - y.item);
    const top = rev.slice(0, REVERSE_PER_ITEM);
    reverse.set(b, { items: Int32Array.from(top, (r) => r.item), scores: Float32Array.from(top, (r) => r.score) });
  }
  return { forward, reverse, size: forward.size };
}

/**
 * Vector recall's cold-start part: for the last 10 history items (weights as vector recall's, 0.8x per step
 * back by default), the content neighbours of cold ones and the cold items near any of them, scored by
 * weighted cosine. Each candidate is anchored on the history item that contributed most (true reasons).
 */
export function coldStartRecall(
  ctx: Pick<RecallContext, "models" | "history" | "historyWeights" | "exclude">,
  count: number,
): SourceResult | null {
  const lists = ctx.models.coldStart;
  if (!lists || lists.size === 0 || ctx.history.length === 0) return null;
  const acc = new Map<number, { score: number; anchor: number; best: number }>();
  const inHistory = new Set(ctx.history);
  let decay = 1;
  for (let r = 0; r < Math.min(10, ctx.history.length); r++) {
    const h = ctx.history[r];
    const w = ctx.historyWeights?.[r] ?? decay;
    decay *= 0.8;
    for (const list of [lists.forward.get(h), lists.reverse.get(h)]) {
      if (!list) continue;
      for (let j = 0; j < list.items.length; j++) {
        const b = list.items[j];
        if (inHistory.has(b) || ctx.exclude.has(b)) continue;
        const s = w * list.scores[j];
        const e = acc.get(b);
        if (!e) acc.set(b, { score: s, anchor: h, best: s });
        else {
          e.score += s;
          if (s > e.best) {
            e.best = s;
            e.anchor = h;
          }
        }
      }
    }
  }
  if (acc.size === 0) return null;
  const top = [...acc].sort((x, y) => y[1].score - x[1].score || x[0] - y[0]).slice(0, count);
  return {
    source: "vector",
    items: Int32Array.from(top, (t) => t[0]),
    scores: Float32Array.from(top, (t) => t[1].score),
    anchors: Int32Array.from(top, (t) => t[1].anchor),
  };
}

/**
 * Collaborative vector hits with cold-start hits merged in: cold items get up to a quarter of the slots
 * (at least 2) when the collaborative list is full, all of them when it is empty (a new product's page).
 */
export function mergeColdStart(collaborative: SourceResult, cold: SourceResult | null, count: number): SourceResult {
  if (!cold || cold.items.length === 0) return collaborative;
  const seen = new Set(collaborative.items);
  const coldNew = [...cold.items.keys()].filter((j) => !seen.has(cold.items[j]));
  const reserved = Math.min(
    coldNew.length,
    Math.max(count - collaborative.items.length, Math.max(2, Math.floor(count / 4))),
  );
  const keep = Math.min(collaborative.items.length, count - reserved);
  const items: number[] = [];
  const scores: number[] = [];
  const anchors: number[] = [];
  for (let j = 0; j < keep; j++) {
    items.push(collaborative.items[j]);
    scores.push(collaborative.scores[j]);
    anchors.push(collaborative.anchors?.[j] ?? -1);
  }
  for (const j of coldNew.slice(0, reserved)) {
    items.push(cold.items[j]);
    scores.push(cold.scores[j]);
    anchors.push(cold.anchors?.[j] ?? -1);
  }
  return {
    source: "vector",
    items: Int32Array.from(items),
    scores: Float32Array.from(scores),
    anchors: Int32Array.from(anchors),
  };
}
