import { emptyResult, inMemorySource, topOfMap, type RecallSource } from "./types";

/** The catalog's `bought_together` lists of the last 5 history items (newest weighs most). */
export const boughtTogetherSource: RecallSource = inMemorySource("bought_together", (ctx, count) => {
  const h = ctx.history.slice(0, 5);
  if (h.length === 0) return emptyResult("bought_together");
  const acc = new Map<number, number>();
  const anchors = new Map<number, number>();
  h.forEach((a, r) => {
    const list = ctx.models.catalog.boughtTogether.get(a);
    if (!list) return;
    list.forEach((b, pos) => {
      const w = 1 / (1 + r) / (1 + 0.1 * pos);
      acc.set(b, (acc.get(b) ?? 0) + w);
      if (!anchors.has(b)) anchors.set(b, a);
    });
  });
  return topOfMap("bought_together", acc, count, ctx.exclude, anchors);
});
