import type { ItemCatalog } from "../catalog";
import { SOURCES, type Candidate, type SourceName } from "./candidates";

const short = (title: string): string => (title.length > 60 ? `${title.slice(0, 57).trimEnd()}…` : title);

/** The source that explains a candidate best: the one that ranked it highest (ties: SOURCES order). */
export function leadSource(c: Candidate): SourceName | null {
  let best: SourceName | null = null;
  let bestRank = Infinity;
  SOURCES.forEach((s, k) => {
    if (c.ranks[k] >= 0 && c.ranks[k] < bestRank) {
      bestRank = c.ranks[k];
      best = s;
    }
  });
  return best;
}

/** A short human reason, from the lead source and the history item that led to the candidate. */
export function reasonFor(c: Candidate, catalog: ItemCatalog): string {
  return reasonText(leadSource(c), c.anchor, c.item, catalog);
}

/** reasonFor from its parts (feed snapshots store these, not the text: a third of the size). */
export function reasonText(lead: SourceName | null, anchor: number, item: number, catalog: ItemCatalog): string {
  const anchorTitle = anchor >= 0 ? short(catalog.titles[anchor] ?? "") : "";
  const category = catalog.categoryName(item);
  switch (lead) {
    case "bought_together":
      return anchorTitle ? `Often bought together with ${anchorTitle}` : `Often bought together`;
    case "covisitation":
    case "session_knn":
    case "vector":
      return anchorTitle ? `Because you viewed ${anchorTitle}` : `Picked for you in ${category}`;
    case "trending":
      return `Trending in ${category}`;
    case "fresh":
      return `Just listed in ${category}`;
    default:
      return `Popular in ${category}`;
  }
}
