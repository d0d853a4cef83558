/**
 * Relevance blending for search (issue 15 #7: "laptop" must find laptops before laptop bags). FTS5's bm25
 * alone favours short titles that mention the word, which are often accessories ("Laptop Sleeve"). The blend
 * re-orders the top bm25 candidates by:
 *   text       bm25 relative to the best candidate (title-weighted, as configured in the FTS rank),
 *   head       the query's head noun (its last word) is the title's head noun: the product type, read from the
 *              title's first segment ("Lenovo LE-1234 Laptop, 16GB RAM" → laptop; "MOSISO Laptop Sleeve" → sleeve),
 *   intent     a query → category prior estimated from the catalog itself: among the candidates, the share of
 *              each category's titles whose head noun is the query's (the Laptops category for "laptop"),
 *   popularity log of the rating count, and rating (Bayesian-shrunk average).
 * Pure functions of the candidate rows: the same rows always give the same order, so pages are stable.
 */

export interface BlendCandidate {
  id: number;
  /** FTS5 rank (negative bm25; lower is better). */
  rank: number;
  title: string;
  categoryPath: string | null;
  ratingCount: number;
  averageRating: number | null;
}

export interface BlendWeights {
  text: number;
  head: number;
  intent: number;
  popularity: number;
  rating: number;
}

/** Tuned on the judged query set's Electronics half (docs/BENCHMARKS.md, npm run bench:search). */
export const DEFAULT_BLEND_WEIGHTS: BlendWeights = { text: 1, head: 0.6, intent: 0.6, popularity: 0.15, rating: 0.1 };

/** Where a title's product-type phrase ends: the first comma, dash, bar, bracket, or "for" / "with" clause. */
const SEGMENT_END = /\s*(?:,|;|\||\(|\[|\s[-–—]\s|\s(?:for|with|compatible|w\/|fits|by)\s)/i;

/** Words of a title segment (letters first; digits, apostrophes and hyphens inside). */
const WORD = /\p{L}[\p{L}\p{N}'-]*/gu;
/** Quantity and pack words that end titles without naming the product. */
const UNIT_WORDS = new Set(
  "oz fl ml l g kg lb lbs mm cm inch inches in ft count ct pack packs pcs pc piece pieces x set sets pair pairs".split(
    " ",
  ),
);

/** A crude English stem for head-noun comparison: lower case, plural endings dropped. */
export function stemLite(word: string): string {
  const w = word.toLowerCase();
  if (w.length > 4 && w.endsWith("ies")) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && /(ches|shes|sses|xes)$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) return w.slice(0, -1);
  return w;
}

/** The head noun of a title: the last word of its first segment, stemmed ("Laptop Backpack, 15.6 Inch" → backpack). */
export function titleHeadNoun(title: string): string | null {
  const end = title.search(SEGMENT_END);
  const segment = end < 0 ? title : title.slice(0, end);
  const words = segment.match(WORD);
  if (!words) return null;
  // trailing quantities are not the product ("Shampoo Bar 2 Oz", "Cotton Swabs 200 Count")
  let i = words.length - 1;
  while (i > 0 && (UNIT_WORDS.has(words[i].toLowerCase()) || /\d/.test(words[i]))) i--;
  return stemLite(words[i].replace(/'s$/i, ""));
}

/** The query's head noun: its last word, stemmed; `prefix` when the user may still be typing it. */
export function queryHeadNoun(q: string): { stem: string; prefix: boolean } | null {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words || words.length === 0) return null;
  const last = words[words.length - 1];
  return { stem: stemLite(last), prefix: !/\s$/.test(q) };
}

function headMatches(head: string | null, query: { stem: string; prefix: boolean }): boolean {
  if (head === null) return false;
  if (head === query.stem) return true;
  // search-as-you-type: "lapt" → laptop (never for one or two letters)
  return query.prefix && query.stem.length >= 3 && head.startsWith(query.stem);
}

/**
 * Scores candidates (higher is better); returns them sorted by (score desc, id asc) with their scores.
 */
export function blendCandidates(
  q: string,
  candidates: readonly BlendCandidate[],
  weights: BlendWeights = DEFAULT_BLEND_WEIGHTS,
): { candidate: BlendCandidate; score: number }[] {
  if (candidates.length === 0) return [];
  const query = queryHeadNoun(q);
  const best = Math.min(...candidates.map((c) => c.rank));
  const heads = candidates.map((c) => (query ? headMatches(titleHeadNoun(c.title), query) : false));
  // query → category prior: head-noun matches per category, relative to the best category
  const matchesByCategory = new Map<string, number>();
  heads.forEach((h, i) => {
    const cat = candidates[i].categoryPath;
    if (h && cat !== null) matchesByCategory.set(cat, (matchesByCategory.get(cat) ?? 0) + 1);
  });
  const topCategory = Math.max(0, ...matchesByCategory.values());
  const maxCount = Math.max(1, ...candidates.map((c) => c.ratingCount));
  const scored = candidates.map((c, i) => {
    const text = best < 0 ? c.rank / best : 1;
    const intent =
      topCategory > 0 && c.categoryPath !== null ? (matchesByCategory.get(c.categoryPath) ?? 0) / topCategory : 0;
    const popularity = Math.log1p(c.ratingCount) / Math.log1p(maxCount);
    // shrunk towards 3 stars with a prior of 5 ratings, mapped to [-1, 1]
    const avg = c.averageRating ?? 3;
    const rating = ((avg * c.ratingCount + 3 * 5) / (c.ratingCount + 5) - 3) / 2;
    const score =
      weights.text * text +
      weights.head * (heads[i] ? 1 : 0) +
      weights.intent * intent +
      weights.popularity * popularity +
      weights.rating * rating;
    return { candidate: c, score };
  });
  scored.sort((a, b) => b.score - a.score || a.candidate.id - b.candidate.id);
  return scored;
}
