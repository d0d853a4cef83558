import type { DemoCatalog } from "./catalog";

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

/** The raw `meta_<Category>.jsonl` object of item i (key order as in the official files). */
export function metaRecord(catalog: DemoCatalog, i: number, stats: ItemStats | null): Record<string, unknown> {
  const rng = catalog.itemRng(i, 3);
  const leaf = catalog.leaf(i);
  const brand = catalog.brand(i);
  const noun = rng.pick(leaf.nouns);
  const model = `${brand.slice(0, 2).toUpperCase()}-${rng.int(100, 9999)}${rng.chance(0.4) ? rng.pick(["X", "S", "Pro", "Max", "Lite", "Plus"]) : ""}`;
  const quals = rng.sample(leaf.qualifiers, rng.int(1, 3));
  const title = `${brand} ${model} ${noun}, ${quals.join(", ")}`;
  const features = rng.sample(leaf.features, Math.min(leaf.features.length, rng.int(3, 5)));
  const color = rng.pick(COLORS);
  const description = [
    `The ${brand} ${model} is ${/^[aeiou]/i.test(noun) ? "an" : "a"} ${noun.toLowerCase()} built for everyday use. ${features[0]}.`,
    ...(rng.chance(0.5)
      ? [`What's in the box: ${noun}, quick start guide${rng.chance(0.5) ? ", USB-C cable" : ""}.`]
      : []),
  ];
  const [lo, hi] = leaf.price;
  // log-uniform price inside the leaf's range, nudged up for better items, ending in .99 like shelf prices
  const raw = Math.exp(
    Math.log(lo) + (Math.log(hi) - Math.log(lo)) * Math.min(1, rng.next() * 0.8 + catalog.quality[i] * 0.2),
  );
  const price = rng.chance(0.15) ? null : Math.max(0.99, Math.round(raw) - 0.01);
  const count = stats ? stats.ratingCount[i] : 0;
  const average = count > 0 && stats ? Math.round((stats.ratingSum[i] / count) * 10) / 10 : null;
  const year = rng.int(2012, 2023);
  const bt = catalog.boughtTogether(i);
  return {
    main_category: "All Electronics",
    title,
    average_rating: average,
    rating_number: count,
    features,
    description,
    price,
    images: [],
    videos: [],
    store: brand,
    categories: leaf.path,
    details: {
      Brand: brand,
      Color: color,
      "Item model number": model,
      "Item Weight": `${(rng.next() * 3 + 0.1).toFixed(2)} pounds`,
      "Date First Available": `${MONTHS[rng.int(0, 11)]} ${rng.int(1, 28)}, ${year}`,
    },
    parent_asin: catalog.parentAsin(i),
    bought_together: bt ? bt.map((j) => catalog.parentAsin(j)) : null,
  };
}
