import { emptyResult, inMemorySource, topOfMap, type RecallSource } from "./types";

/** Co-visitation neighbours of the last 10 history items, older items weighing 0.7x per step. */
export const covisitationSource: RecallSource = inMemorySource("covisitation", (ctx, count) => {
  const h = ctx.history.slice(0, 10);
  if (h.length === 0) return emptyResult("covisitation");
  const acc = new Map<number, number>();
  const anchors = new Map<number, number>();
  const best = new Map<number, number>();
  h.forEach((a, r) => {
    const wq = ctx.historyWeights?.[r] ?? 0.7 ** r;
    ctx.models.covis.forEach(a, 50, (b, w) => {
      const contribution = wq * w;
      acc.set(b, (acc.get(b) ?? 0) + contribution);
      if (contribution > (best.get(b) ?? 0)) {
        best.set(b, contribution);
        anchors.set(b, a);
      }
    });
  });
  return topOfMap("covisitation", acc, count, ctx.exclude, anchors);
});
