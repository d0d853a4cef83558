import type { ItemCatalog } from "../catalog";
import { leadSourceIndex, SOURCES, type Candidate, type SourceName } from "./candidates";

const short = (title: string): string => (title.length > 60 ? `${title.slice(0, 57).trimEnd()}…` : title);

/**
 * The source that explains a candidate: the best-ranked one with evidence for it (candidates.ts
 * leadSourceIndex: a neighbour source only with its history item).
 */
export function leadSource(c: Pick<Candidate, "ranks" | "anchors">): SourceName | null {
  const k = leadSourceIndex(c);
  return k >= 0 ? SOURCES[k] : null;
}

/**
 * A short human reason built from the candidate's provenance: the lead source and the history item through
 * which that source recalled it (mergeSources keeps only the lead source's anchor, so a reason never names
 * an item that did not recall the candidate).
 */
export function reasonFor(c: Candidate, catalog: ItemCatalog): string {
  const lead = leadSource(c);
  return reasonText(lead, c.anchorSource === lead ? c.anchor : -1, c.item, catalog);
}

/**
 * reasonFor from its parts (feed snapshots store these, not the text: a third of the size). Only the
 * neighbour sources (co-visitation, vector, bought-together) name a history item; the others name their
 * signal, so "Because you viewed X" appears only when X recalled the item through its neighbours.
 */
export function reasonText(lead: SourceName | null, anchor: number, item: number, catalog: ItemCatalog): string {
  const anchorTitle = anchor >= 0 ? short(catalog.titles[anchor] ?? "") : "";
  const category = catalog.categoryName(item);
  switch (lead) {
    case "bought_together":
      return anchorTitle ? `Often bought together with ${anchorTitle}` : `Often bought together`;
    case "covisitation":
      return anchorTitle ? `Because you viewed ${anchorTitle}` : `Viewed with items you viewed`;
    case "vector":
      return anchorTitle ? `Similar to ${anchorTitle}` : `Picked for you`;
    case "session_knn":
      return `Viewed in sessions like yours`;
    case "trending":
      return `Trending in ${category}`;
    case "fresh":
      return `Just listed in ${category}`;
    default:
      return `Popular in ${category}`;
  }
}
