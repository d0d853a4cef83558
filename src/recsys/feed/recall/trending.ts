import { inMemorySource, topOfMap, type RecallSource } from "./types";

/** Trending (time-decayed counts): the global top, plus the top of the user's two strongest categories. */
export const trendingSource: RecallSource = inMemorySource("trending", (ctx, count) => {
  const t = ctx.models.trending;
  const acc = new Map<number, number>();
  const global = t.top();
  for (let j = 0; j < global.length && acc.size < count * 2; j++) acc.set(global[j], t.score(global[j]));
  const cats = [...ctx.affinity].sort((a, b) => b[1] - a[1]).slice(0, 2);
  for (const [cat, share] of cats) {
    const list = t.topIn(cat);
    // Boost in-category items by the user's share so they compete with the global top.
    for (let j = 0; j < list.length && j < count; j++) acc.set(list[j], t.score(list[j]) * (1 + share));
  }
  return topOfMap("trending", acc, count, ctx.exclude);
});
