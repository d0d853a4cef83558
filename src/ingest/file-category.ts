/**
 * The Amazon category a metadata file belongs to, from its name: `meta_All_Beauty.jsonl(.gz)` → "All Beauty",
 * and for the third-party `items_meta.processed.csv`, which the Amazon 2023 benchmark layout keeps in the
 * category's folder (`All_Beauty/items_meta.processed.csv`), the folder name. Null when neither applies.
 */
export function categoryFromFileName(path: string): string | null {
  const parts = path.split(/[\\/]/);
  const base = parts.at(-1) ?? "";
  const meta = /^meta_([A-Za-z][A-Za-z0-9_]*)\.jsonl(\.gz)?$/.exec(base);
  const name = meta ? meta[1] : /^items_meta.*\.csv(\.gz)?$/.test(base) ? (parts.at(-2) ?? "") : "";
  return /^[A-Z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$/.test(name) ? name.replace(/_/g, " ") : null;
}
