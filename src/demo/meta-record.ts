import type { DemoCatalog } from "./catalog";
import { describeItem } from "./product-spec";

/** Aggregates from the generated ratings, so average_rating / rating_number agree with the interactions. */
export interface ItemStats {
  ratingSum: Float64Array;
  ratingCount: Uint32Array;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const COLORS = ["Black", "White", "Silver", "Space Gray", "Blue", "Red", "Graphite", "Midnight"];

/** Where the drawn image of a product is served (src/routes/demo-images.ts); real metadata keeps its own URLs. */
export const demoImageUrl = (parentAsin: string): string => `/images/demo/${encodeURIComponent(parentAsin)}.svg`;

/** A drawn image in the metadata's `images[]` entry shape. */
export const drawnImage = (parentAsin: string) => {
  const url = demoImageUrl(parentAsin);
  return { thumb: url, large: url, variant: "MAIN", hi_res: null };
};

const DESCRIPTION_OPENERS = [
  "The {brand} {noun} is built for everyday use.",
  "Meet the {brand} {noun}: {feature}.",
  "Designed by {brand} for people who want {noun_lc} that simply works.",
  "{feature}. That is the idea behind the {brand} {noun}.",
  "Upgrade to the {brand} {noun}, made to last.",
];
const DESCRIPTION_EXTRAS = [
  "Backed by a 1-year limited warranty from {brand}.",
  "Setup takes minutes; the quick start guide walks you through it.",
  "Tested for durability before it leaves the factory.",
  "Ships in recyclable, plastic-free packaging.",
  "Customer support is available 7 days a week.",
];

/** Demo item i's "Date First Available": before the first day its reviews can start. */
function firstAvailable(catalog: DemoCatalog, i: number): Date {
  const rng = catalog.itemRng(i, 4);
  return new Date(catalog.timeline.startMs - rng.int(1, 3 * 365) * 86_400_000);
}

/** The raw `meta_<Category>.jsonl` object of item i (key order as in the official files). */
export function metaRecord(catalog: DemoCatalog, i: number, stats: ItemStats | null): Record<string, unknown> {
  const rng = catalog.itemRng(i, 5);
  const leaf = catalog.leaf(i);
  const spec = describeItem(catalog, i);
  const { brand, noun } = spec;
  const features = rng.sample(leaf.features, Math.min(leaf.features.length, rng.int(3, 5)));
  const fill = (t: string) =>
    t
      .replace("{brand}", brand)
      .replace("{noun}", noun)
      .replace("{noun_lc}", `${/^[aeiou]/i.test(noun) ? "an" : "a"} ${noun.toLowerCase()}`)
      .replace("{feature}", features[0]);
  const description = [
    fill(rng.pick(DESCRIPTION_OPENERS)),
    ...(spec.specs.length ? [`Specifications: ${spec.specs.map((s) => `${s.label}: ${s.value}`).join("; ")}.`] : []),
    ...(rng.chance(0.6) ? [fill(rng.pick(DESCRIPTION_EXTRAS))] : []),
  ];
  const [lo, hi] = leaf.price;
  // log-uniform price inside the leaf's range, nudged up for better items, ending in .99 like shelf prices;
  // every demo product is priced (a storefront without prices looks broken)
  const raw = Math.exp(
    Math.log(lo) + (Math.log(hi) - Math.log(lo)) * Math.min(1, rng.next() * 0.8 + catalog.quality[i] * 0.2),
  );
  const price = Math.max(0.99, Math.round(raw) - 0.01);
  const count = stats ? stats.ratingCount[i] : 0;
  const average = count > 0 && stats ? Math.round((stats.ratingSum[i] / count) * 10) / 10 : null;
  const available = firstAvailable(catalog, i);
  const bt = catalog.boughtTogether(i);
  const asin = catalog.parentAsin(i);
  const details: Record<string, unknown> = { Brand: brand };
  for (const s of spec.specs) details[s.label] = s.value;
  details.Color = rng.pick(COLORS);
  if (spec.model) details["Item model number"] = spec.model;
  details["Item Weight"] = `${(rng.next() * 3 + 0.1).toFixed(2)} pounds`;
  details["Date First Available"] =
    `${MONTHS[available.getUTCMonth()]} ${available.getUTCDate()}, ${available.getUTCFullYear()}`;
  return {
    main_category: "All Electronics",
    title: spec.title,
    average_rating: average,
    rating_number: count,
    features,
    description,
    price,
    images: [drawnImage(asin)],
    videos: [],
    store: brand,
    categories: leaf.path,
    details,
    parent_asin: asin,
    bought_together: bt ? bt.map((j) => catalog.parentAsin(j)) : null,
  };
}
