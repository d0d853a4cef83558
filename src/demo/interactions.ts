import type { DemoCatalog } from "./catalog";
import { LEAF_CATEGORIES, LEAF_INDEX } from "./taxonomy";
import { Prng, scramble32 } from "./prng";
import { describeItem } from "./product-spec";

/** One generated interaction: a rating, with review text when the caller writes raw reviews. */
export interface DemoInteraction {
  userId: string;
  item: number;
  rating: number;
  /** Unix ms. */
  timestamp: number;
}

const DAY = 86_400_000;
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** 28-character upper-case ids like the official ("AFSKPY37N3C43SOI5IEXEK5JSIYA"): 7 unique chars + 20 random. */
export function demoUserId(seed: number, u: number): string {
  let x = scramble32(u, seed ^ 0x5bd1e995);
  let s = "A";
  for (let k = 0; k < 7; k++) {
    s += ID_ALPHABET[x & 31];
    x >>>= 5;
  }
  const rng = new Prng(seed, 0x75e7, u);
  for (let k = 0; k < 20; k++) s += ID_ALPHABET[rng.nextUint32() & 31];
  return s;
}

/**
 * The interactions of user u, in time order: a few preferred leaves and brands, sessions (bursts of related items
 * minutes apart, weeks between sessions), co-purchases from `bought_together`, ratings driven by item quality plus a
 * per-user bias. A pure function of (seed, u): users can be generated in any order, in parallel, or resumed.
 */
export function userInteractions(catalog: DemoCatalog, u: number, meanPerUser: number): DemoInteraction[] {
  const rng = new Prng(catalog.seed, 0x05e5, u);
  const userId = demoUserId(catalog.seed, u);
  // activity: log-normal around the mean (most users rate a few items, some many), at least 1
  const target = Math.max(
    1,
    Math.min(catalog.itemCount, Math.round(meanPerUser * Math.exp(0.9 * rng.normal() - 0.405))),
  );
  const prefs = Array.from({ length: rng.int(1, 3) }, () => catalog.drawLeaf(rng));
  const favouriteBrands = new Set(prefs.map((l) => rng.pick(LEAF_CATEGORIES[l].brands)));
  const bias = 0.35 * rng.normal();
  const seen = new Set<number>();
  const out: DemoInteraction[] = [];
  const { startMs, endMs } = catalog.timeline;
  const t0 = startMs + Math.floor(rng.next() * (endMs - startMs - 30 * DAY));
  let t = t0;
  let guard = 0;

  const pickIn = (leaf: number): number => {
    // prefer a favourite brand among a few popular candidates
    let best = -1;
    for (let k = 0; k < 3; k++) {
      const c = catalog.drawItem(leaf, rng);
      if (c < 0 || seen.has(c)) continue;
      if (best < 0 || favouriteBrands.has(catalog.brand(c))) best = c;
    }
    return best;
  };

  while (out.length < target && guard++ < target * 20) {
    const focus = rng.chance(0.8) ? rng.pick(prefs) : catalog.drawLeaf(rng);
    const sessionLength = rng.int(1, 4);
    let prev = -1;
    for (let k = 0; k < sessionLength && out.length < target; k++) {
      let item = -1;
      if (prev >= 0 && rng.chance(0.4)) {
        const bt = catalog.boughtTogether(prev);
        if (bt) item = bt.find((j) => !seen.has(j)) ?? -1;
      }
      if (item < 0 && prev >= 0 && rng.chance(0.3)) {
        const comp = LEAF_INDEX.get(rng.pick(catalog.leaf(prev).complements)) ?? focus;
        item = pickIn(comp);
      }
      if (item < 0) item = pickIn(focus);
      if (item < 0) continue;
      seen.add(item);
      const noise = 0.9 * rng.normal();
      const rating = Math.min(5, Math.max(1, Math.round(0.6 + 4.3 * catalog.quality[item] + bias + noise)));
      out.push({ userId, item, rating, timestamp: t });
      prev = item;
      t += rng.int(60_000, 30 * 60_000); // minutes between items of a session
    }
    t += Math.floor(DAY * (1 + 40 * -Math.log(1 - rng.next()))); // weeks between sessions
  }
  // A long history would run past the end of the timeline: squeeze it into [t0, endMs] (order kept), so no
  // date is in the future.
  const last = out.length ? out[out.length - 1].timestamp : t0;
  if (last > endMs) {
    const scale = (endMs - t0) / (last - t0);
    for (const x of out) x.timestamp = t0 + Math.floor((x.timestamp - t0) * scale);
  }
  return out;
}

const TITLES: Record<number, readonly string[]> = {
  5: [
    "Love it!",
    "Excellent",
    "Exactly what I needed",
    "Five stars",
    "Best purchase this year",
    "Worth every penny",
    "Highly recommend",
    "Great {noun}",
  ],
  4: ["Very good", "Solid for the price", "Works well", "Happy with it", "Good, with one small gripe", "Nice {noun}"],
  3: ["It's okay", "Decent, not great", "Does the job", "Mixed feelings", "Average at best", "Fine for the money"],
  2: ["Disappointed", "Not as described", "Expected better", "Meh", "Would not buy again"],
  1: ["Stopped working", "Waste of money", "Returned it", "Avoid", "Broke quickly"],
};
const OPENERS: Record<number, readonly string[]> = {
  5: [
    "This {noun} exceeded my expectations.",
    "Fantastic {noun}, I use it every day.",
    "Really impressed with this {brand}.",
    "I did a lot of research before buying and this {noun} was the right call.",
    "Bought this to replace an older {noun} and the difference is night and day.",
  ],
  4: [
    "Good {noun} overall.",
    "Pretty happy with this {brand} {noun}.",
    "Does what it promises.",
    "A solid {noun} for the money.",
    "After a few weeks with this {noun}, I'm mostly satisfied.",
  ],
  3: [
    "The {noun} is fine but nothing special.",
    "Average {brand} quality.",
    "Some good points, some bad.",
    "It works, but I expected a bit more from {brand}.",
  ],
  2: [
    "The {noun} has issues.",
    "Not what I hoped for from {brand}.",
    "Quality feels cheap.",
    "I wanted to like this {noun}, but it let me down.",
  ],
  1: [
    "The {noun} broke within a week.",
    "Would not buy from {brand} again.",
    "Did not work out of the box.",
    "Mine arrived with a defect and support was no help.",
  ],
};
const CONTEXTS = [
  "I use it mostly at home.",
  "Bought it for my daughter.",
  "Got it as a gift for my husband.",
  "Using it at the office every day.",
  "Took it on a two-week trip.",
  "My second one from this brand.",
  "Ordered on sale.",
  "Setup took about five minutes.",
  "Arrived a day early, well packed.",
];
const CLOSERS: Record<number, readonly string[]> = {
  5: ["Would buy again.", "Highly recommended.", "No complaints at all.", "Already ordered a second one."],
  4: ["Recommended.", "Four stars only because of the price.", "Minor quibbles aside, a good buy."],
  3: ["Okay if it's on sale.", "There are better options for the money.", "It'll do for now."],
  2: ["Look elsewhere.", "Returning it if I can.", "Can't recommend it."],
  1: ["Save your money.", "Returned for a refund.", "Stay away."],
};

/** How a positive review quotes a feature (functions: only the chosen one is built). */
const POSITIVE_MIDDLES: readonly ((feature: string) => string)[] = [
  (f) => `${f} - that part is true.`,
  (f) => `${f}, as advertised.`,
  (f) => `Best part: ${f.toLowerCase()}.`,
];

/** Item names for review text, memoised per catalog: an item is reviewed many times. */
const namesCache = new WeakMap<DemoCatalog, ({ noun: string; brand: string } | undefined)[]>();
function reviewNames(catalog: DemoCatalog, item: number): { noun: string; brand: string } {
  let cache = namesCache.get(catalog);
  if (!cache) namesCache.set(catalog, (cache = new Array(catalog.itemCount)));
  const hit = cache[item];
  if (hit) return hit;
  const { noun, brand } = describeItem(catalog, item);
  return (cache[item] = { noun: noun.toLowerCase(), brand });
}

/** Raw review JSONL object for an interaction (key order as in the official files). */
export function reviewRecord(catalog: DemoCatalog, x: DemoInteraction): Record<string, unknown> {
  const rng = new Prng(catalog.seed, 0x7e71, x.item, x.timestamp % 2147483647);
  const leaf = catalog.leaf(x.item);
  const { noun, brand } = reviewNames(catalog, x.item);
  const fill = (t: string) => t.replace("{noun}", noun).replace("{brand}", brand);
  const feature = rng.pick(leaf.features);
  const middle =
    x.rating >= 4
      ? POSITIVE_MIDDLES[rng.int(0, POSITIVE_MIDDLES.length - 1)](feature)
      : x.rating === 3
        ? `They say "${feature.toLowerCase()}", which is only partly true.`
        : `"${feature}"? Not in my experience.`;
  const parts = [fill(rng.pick(OPENERS[x.rating])), middle];
  if (rng.chance(0.5)) parts.push(rng.pick(CONTEXTS));
  if (rng.chance(0.6)) parts.push(rng.pick(CLOSERS[x.rating]));
  const asin = catalog.parentAsin(x.item);
  return {
    rating: x.rating,
    title: fill(rng.pick(TITLES[x.rating])),
    text: parts.join(" "),
    images: [],
    asin,
    parent_asin: asin,
    user_id: x.userId,
    timestamp: x.timestamp,
    helpful_vote: rng.chance(0.7) ? 0 : Math.floor(-Math.log(1 - rng.next()) * 4),
    verified_purchase: rng.chance(0.9),
  };
}
