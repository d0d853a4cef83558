import type { RecallSource } from "./types";

const DAY_MS = 86_400_000;

/** Newest listings (cold start for items and users), scored by age with a 7-day scale. */
export const freshSource: RecallSource = {
  name: "fresh",
  async run(ctx, count) {
    const fresh = await ctx.marketplace.freshProducts(count + ctx.exclude.size);
    const items: number[] = [];
    const scores: number[] = [];
    for (const f of fresh) {
      const i = ctx.models.catalog.indexOf.get(f.productId);
      if (i === undefined || ctx.exclude.has(i)) continue;
      items.push(i);
      scores.push(Math.exp(-Math.max(0, ctx.now - f.listedAt) / (7 * DAY_MS)));
      if (items.length === count) break;
    }
    return {
      source: "fresh",
      items: Int32Array.from(items),
      scores: Float32Array.from(scores),
      anchors: new Int32Array(items.length).fill(-1),
    };
  },
};
