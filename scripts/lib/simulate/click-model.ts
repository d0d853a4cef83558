/**
 * Position-biased behaviour on a feed page (the position-based click model): a shopper examines rank r with
 * probability 1 / log2(r + 1) (rank 1 always, rank 3 half the time, ...), clicks an examined item with
 * probability = its affinity, buys a clicked item with probability `buyRate · affinity`, and marks an examined
 * item they clearly dislike (affinity below `dislikeBelow`) not interested with probability `notInterestedRate`.
 * The bias is what a ranker trained on logged clicks must correct for (issue 14.3, IPS).
 */
export interface ClickParams {
  buyRate: number;
  dislikeBelow: number;
  notInterestedRate: number;
  /** Stop examining the page after this many clicks (a shopper who found something leaves the page). */
  maxClicks: number;
}

export const DEFAULT_CLICKS: ClickParams = { buyRate: 0.3, dislikeBelow: 0.05, notInterestedRate: 0.2, maxClicks: 2 };

/** Probability that a shopper looks at the item at 1-based `rank`. */
export function examination(rank: number): number {
  if (!(rank >= 1)) throw new RangeError(`rank must be ≥ 1, got ${rank}`);
  return 1 / Math.log2(rank + 1);
}

export type PageAction = { rank: number; kind: "click" | "purchase" | "not_interested" };

/**
 * Simulates one page: `affinities[i]` is the item at rank i + 1. Returns the actions in page order (a purchase
 * follows its click). Draws come from `random`, in a fixed order per rank, so a seed replays exactly.
 */
export function simulatePage(
  affinities: readonly number[],
  random: () => number,
  p: ClickParams = DEFAULT_CLICKS,
): PageAction[] {
  const out: PageAction[] = [];
  let clicks = 0;
  for (let i = 0; i < affinities.length && clicks < p.maxClicks; i++) {
    const rank = i + 1;
    const examined = random() < examination(rank);
    const like = random();
    const buy = random();
    const reject = random();
    if (!examined) continue;
    const a = affinities[i];
    if (like < a) {
      clicks++;
      out.push({ rank, kind: "click" });
      if (buy < p.buyRate * a) out.push({ rank, kind: "purchase" });
    } else if (a < p.dislikeBelow && reject < p.notInterestedRate) {
      out.push({ rank, kind: "not_interested" });
    }
  }
  return out;
}
