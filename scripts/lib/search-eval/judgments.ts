/**
 * The judged query set of `npm run bench:search`: graded relevance (0, 1, 2) for every product of a catalog,
 * by rules written down here, never by looking at what the ranker returns.
 *
 * Electronics (the demo catalog, Amazon's Electronics category paths): a query names the category (or
 * categories) of the device it asks for. Grade 2: the product is in a target category and its title contains
 * every query word; 1: in a target category only (or in a category the query accepts as partly relevant);
 * 0: anything else, in particular the accessories that mention the device ("Laptop Sleeve" for "laptop").
 *
 * All Beauty (real metadata, `items_meta.processed.csv`: titles only, no category paths): the product type is
 * the title's leading phrase, up to the first comma, dash, bar, bracket or for/with clause. Grade 2: every
 * query word is in the product-type phrase and the phrase does not end in an accessory word the query did not
 * ask for ("Shampoo Brush" is not a shampoo); 1: every query word is somewhere in the title; 0: otherwise.
 * (The ranker's head-noun feature reads the same leading phrase, so this half is less independent of the
 * ranker than the category-judged half; both are reported.)
 */

export interface JudgedProduct {
  id: string;
  title: string;
  categoryPath: string | null;
}

export interface JudgedQuery {
  q: string;
  grade(p: JudgedProduct): number;
}

const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
/** Plural-insensitive word form (its own, simpler than the ranker's: the judge must not share its code). */
function stem(w: string): string {
  if (w.length > 4 && w.endsWith("ies")) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && /(ch|sh|ss|x)es$/.test(w)) return w.slice(0, -2);
  return w.length > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w;
}
/** Every query word occurs in the text (plural-insensitive). */
export function containsAll(text: string, q: string): boolean {
  const have = new Set(words(text).map(stem));
  return words(q).every((w) => have.has(stem(w)));
}

// ---- Electronics: query → target categories (leaf names of the demo taxonomy's paths) ----

interface ElectronicsSpec {
  q: string;
  targets: string[];
  partial?: string[];
}

const ELECTRONICS: ElectronicsSpec[] = [
  { q: "laptop", targets: ["Laptops"] },
  { q: "gaming laptop", targets: ["Laptops"] },
  { q: "chromebook", targets: ["Laptops"] },
  { q: "tablet", targets: ["Tablets"] },
  { q: "ipad", targets: ["Tablets"] },
  { q: "monitor", targets: ["Monitors"] },
  { q: "gaming monitor", targets: ["Monitors"] },
  { q: "mouse", targets: ["Mice"] },
  { q: "wireless mouse", targets: ["Mice"] },
  { q: "keyboard", targets: ["Keyboards"] },
  { q: "mechanical keyboard", targets: ["Keyboards"] },
  { q: "usb hub", targets: ["USB Hubs"] },
  { q: "laptop backpack", targets: ["Bags, Cases & Sleeves"] },
  { q: "headphones", targets: ["Over-Ear Headphones"], partial: ["Earbud Headphones"] },
  { q: "noise cancelling headphones", targets: ["Over-Ear Headphones"], partial: ["Earbud Headphones"] },
  { q: "earbuds", targets: ["Earbud Headphones"] },
  { q: "phone", targets: ["Cell Phones"] },
  { q: "phone case", targets: ["Basic Cases"] },
  { q: "screen protector", targets: ["Screen Protectors"] },
  { q: "charger", targets: ["Chargers & Power Adapters"] },
  { q: "power bank", targets: ["Chargers & Power Adapters"] },
  { q: "hdmi cable", targets: ["USB Cables"] },
  { q: "batteries", targets: ["Household Batteries"] },
  { q: "camera", targets: ["Mirrorless Cameras", "Sports & Action Video Cameras"] },
  { q: "memory card", targets: ["Memory Cards"] },
  { q: "tv", targets: ["Televisions"] },
  { q: "smart tv", targets: ["Televisions"] },
  { q: "soundbar", targets: ["Sound Bars"] },
  { q: "speaker", targets: ["Portable Bluetooth Speakers"], partial: ["Sound Bars"] },
  { q: "console", targets: ["Consoles"] },
  { q: "controller", targets: ["Controllers"] },
  { q: "smartwatch", targets: ["Smartwatches"] },
  { q: "watch band", targets: ["Bands"] },
];

/** The leaf of a demo path; "Bags, Cases & Sleeves" exists under laptops and tablets, so keep the parent too. */
function leafOf(path: string | null): { leaf: string; parent: string } {
  const parts = (path ?? "").split(" > ");
  return { leaf: parts[parts.length - 1] ?? "", parent: parts[parts.length - 2] ?? "" };
}

export const electronicsQueries: JudgedQuery[] = ELECTRONICS.map((spec) => ({
  q: spec.q,
  grade(p) {
    const { leaf, parent } = leafOf(p.categoryPath);
    // "laptop backpack" wants the laptop bags, not tablet sleeves
    const inTarget =
      spec.targets.includes(leaf) && !(leaf === "Bags, Cases & Sleeves" && parent !== "Laptop Accessories");
    if (inTarget) return containsAll(p.title, spec.q) ? 2 : 1;
    return spec.partial?.includes(leaf) ? 1 : 0;
  },
}));

// ---- All Beauty: rule-judged from titles ----

const BEAUTY_QUERIES = [
  "shampoo",
  "conditioner",
  "face mask",
  "mask",
  "hair oil",
  "nail polish",
  "serum",
  "face cream",
  "body lotion",
  "soap",
  "body scrub",
  "comb",
  "hair clips",
  "lipstick",
  "mascara",
  "spray bottle",
  "headband",
  "cleanser",
  "moisturizer",
  "wig",
  "lip balm",
  "makeup brush",
  "nail drill",
  "eyelashes",
];

/** Words that make a phrase an accessory or container of what precedes them. */
const ACCESSORY_WORDS = new Set(
  "brush brushes comb combs bottle bottles case bag bags holder organizer applicator dispenser container containers cap caps tool tools scrubber massager pump tray stand remover".split(
    " ",
  ),
);
const SEGMENT_END = /\s*(?:,|;|\||\(|\[|\s[-–—]\s|\s(?:for|with|compatible|w\/|fits|by)\s)/i;

export function beautyGrade(q: string, title: string): number {
  const phrase = title.split(SEGMENT_END)[0] ?? "";
  const phraseWords = words(phrase);
  const lastWord = phraseWords[phraseWords.length - 1] ?? "";
  const asksAccessory = words(q).some((w) => ACCESSORY_WORDS.has(w));
  if (containsAll(phrase, q) && (asksAccessory || !ACCESSORY_WORDS.has(lastWord))) return 2;
  return containsAll(title, q) ? 1 : 0;
}

export const beautyQueries: JudgedQuery[] = BEAUTY_QUERIES.map((q) => ({ q, grade: (p) => beautyGrade(q, p.title) }));

/** NDCG@k of a ranked list of grades against the ideal order of all grades in the catalog. */
export function ndcgAt(k: number, ranked: readonly number[], allGrades: readonly number[]): number {
  const dcg = (gs: readonly number[]) => gs.slice(0, k).reduce((s, g, i) => s + (2 ** g - 1) / Math.log2(i + 2), 0);
  const ideal = dcg([...allGrades].sort((a, b) => b - a));
  return ideal === 0 ? 0 : dcg(ranked) / ideal;
}
