import { emptyResult, inMemorySource, type RecallSource } from "./types";

/**
 * Session kNN (ml/models/session-knn.ts) over the history: items of similar past sessions. No anchor: the
 * item comes from sessions that resemble the whole history, not from one history item.
 */
export const sessionKnnSource: RecallSource = inMemorySource("session_knn", (ctx, count) => {
  const sknn = ctx.models.sknn;
  if (!sknn || ctx.history.length === 0) return emptyResult("session_knn");
  const oldestFirst = ctx.history.slice(0, 20).reverse();
  const { items, scores } = sknn.top(oldestFirst, count, ctx.exclude);
  return { source: "session_knn", items, scores, anchors: new Int32Array(items.length).fill(-1) };
});
