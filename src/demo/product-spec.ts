import type { DemoCatalog } from "./catalog";
import { allowed, type Choice } from "./title-specs";

export interface ItemSpec {
  brand: string;
  noun: string;
  /** Generated model number, or null where the noun is the model (consoles, cables). */
  model: string | null;
  /** The chosen spec values, one per group at most, in the leaf's group order. */
  specs: { label: string; value: string }[];
  /** "Brand [Model] Noun, spec, spec". */
  title: string;
}

type Leaf = ReturnType<DemoCatalog["leaf"]>;
type Group = { label: string; options: Choice[] };

// The allowed nouns and spec values depend only on (leaf, brand, noun): computed once, not per item.
const nounCache = new Map<string, Choice[]>();
const groupCache = new Map<string, Group[]>();

function nounsFor(leaf: Leaf, brand: string): Choice[] {
  const key = `${leaf.key}|${brand}`;
  let hit = nounCache.get(key);
  if (!hit) nounCache.set(key, (hit = leaf.nouns.filter((n) => allowed(n, brand, null))));
  return hit;
}

function groupsFor(leaf: Leaf, brand: string, noun: string): Group[] {
  const key = `${leaf.key}|${brand}|${noun}`;
  let hit = groupCache.get(key);
  if (!hit) {
    hit = leaf.specs
      .map((group) => ({ label: group.label, options: group.options.filter((o) => allowed(o, brand, noun)) }))
      .filter((group) => group.options.length > 0);
    groupCache.set(key, hit);
  }
  return hit;
}

const MODEL_SUFFIXES = ["X", "S", "Pro", "Max", "Lite", "Plus"];

/**
 * The consistent identity of demo item i: a brand, a noun allowed for that brand, and 1-4 spec values, each
 * from a different spec group and allowed for the brand and noun. A pure function of (seed, i).
 */
export function describeItem(catalog: DemoCatalog, i: number): ItemSpec {
  const rng = catalog.itemRng(i, 3);
  const leaf = catalog.leaf(i);
  const brand = catalog.brand(i);
  const nouns = nounsFor(leaf, brand);
  if (nouns.length === 0) throw new Error(`leaf ${leaf.key}: no noun allowed for brand ${brand}`);
  const noun = rng.pick(nouns).v;
  const model = leaf.modelCode
    ? `${brand
        .replace(/[^A-Za-z0-9]/g, "")
        .slice(0, 2)
        .toUpperCase()}-${rng.int(100, 9999)}${rng.chance(0.4) ? rng.pick(MODEL_SUFFIXES) : ""}`
    : null;
  const groups = groupsFor(leaf, brand, noun);
  const chosen = new Set(rng.sample(groups, rng.int(Math.min(1, groups.length), Math.min(4, groups.length))));
  const specs = groups.filter((gr) => chosen.has(gr)).map((gr) => ({ label: gr.label, value: rng.pick(gr.options).v }));
  const head = [brand, model, noun].filter((s) => s !== null).join(" ");
  const title = specs.length ? `${head}, ${specs.map((s) => s.value).join(", ")}` : head;
  return { brand, noun, model, specs, title };
}
