import { readCsvRows } from "./csv.js";
import { DatasetFormatError } from "./errors.js";

/**
 * Reads item text from a metadata CSV with a `parent_asin` column and any of title / description / features /
 * details / categories columns, aligned to `itemIds` (undefined where an item has no row).
 */
export async function loadItemText(path: string, itemIds: string[]): Promise<(string | undefined)[]> {
  const index = new Map<string, number>();
  itemIds.forEach((id, i) => index.set(id, i));
  const out: (string | undefined)[] = new Array(itemIds.length).fill(undefined);
  let asinCol = -1;
  let textCols: number[] = [];
  let header = true;
  for await (const row of readCsvRows(path)) {
    if (header) {
      header = false;
      asinCol = row.fields.indexOf("parent_asin");
      if (asinCol < 0) throw new DatasetFormatError(path, row.line, 'missing column "parent_asin"');
      const wanted = ["title", "features", "description", "categories", "details"];
      textCols = wanted.map((w) => row.fields.indexOf(w)).filter((i) => i >= 0);
      if (textCols.length === 0) throw new DatasetFormatError(path, row.line, "no text column (title, description, ...)");
      continue;
    }
    if (row.fields.length <= asinCol) throw new DatasetFormatError(path, row.line, "row shorter than header");
    const i = index.get(row.fields[asinCol]);
    if (i === undefined) continue;
    out[i] = textCols
      .map((c) => row.fields[c] ?? "")
      .filter((t) => t !== "" && t !== "[]" && t !== "{}")
      .join(". ");
  }
  return out;
}
