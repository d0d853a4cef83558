import { splitCsvRecord } from "./csv";
import { isObject } from "./json-fields";
import type { RawMeta } from "./meta-jsonl";
import { parsePrice } from "./price";
import { parsePythonLiteral } from "./python-literal";
import { parseError, parseOk, type ParseResult } from "./result";

/**
 * Third-party `items_meta.processed.csv` (a pandas export of `meta_<Category>.jsonl`):
 * `,index,title,description,price,details,parent_asin`, with `details` as a Python dict literal.
 * Column positions come from the header so an export without the unnamed index column works too.
 */
export interface ItemsMetaCsvHeader {
  title: number;
  description: number;
  price: number;
  details: number;
  parentAsin: number;
  columnCount: number;
}

export function parseItemsMetaCsvHeader(line: string): ParseResult<ItemsMetaCsvHeader> {
  const split = splitCsvRecord(line.replace(/^\uFEFF/, "").trimEnd());
  if (!split.ok) return parseError("bad_header", "header is not valid CSV");
  const cols = split.value.map((c) => c.trim());
  const at = (name: string) => cols.indexOf(name);
  const h = { title: at("title"), description: at("description"), price: at("price"), details: at("details"), parentAsin: at("parent_asin"), columnCount: cols.length };
  if (h.parentAsin < 0 || h.title < 0) return parseError("bad_header", "items meta CSV needs at least title and parent_asin columns");
  return parseOk(h);
}

/** Parses one (complete, possibly multi-line) record of `items_meta.processed.csv` into the raw meta shape. */
export function parseItemsMetaCsvRow(record: string, header: ItemsMetaCsvHeader): ParseResult<RawMeta> {
  const rec = record.charCodeAt(record.length - 1) === 13 ? record.slice(0, -1) : record;
  if (rec.length === 0) return parseError("empty_line", "empty line");
  const split = splitCsvRecord(rec);
  if (!split.ok) return split;
  const f = split.value;
  if (f.length !== header.columnCount) return parseError("wrong_column_count", `expected ${header.columnCount} columns, got ${f.length}`);
  const parentAsin = f[header.parentAsin];
  if (!parentAsin) return parseError("missing_field", "parent_asin is empty");
  const rawDetails = header.details >= 0 ? f[header.details] : "";
  let details = {};
  if (rawDetails.length > 0) {
    const d = parsePythonLiteral(rawDetails);
    if (!isObject(d)) return parseError("invalid_field", "details is not a dict literal");
    details = d;
  }
  const description = header.description >= 0 && f[header.description] ? [f[header.description]] : [];
  const store = isObject(details) && typeof (details as Record<string, unknown>).Brand === "string" ? String((details as Record<string, unknown>).Brand) : null;
  return parseOk({
    parentAsin,
    mainCategory: null,
    title: f[header.title],
    averageRating: null,
    ratingNumber: 0,
    features: [],
    description,
    price: header.price >= 0 ? parsePrice(f[header.price]) : null,
    images: [],
    videos: [],
    store,
    categories: [],
    details,
    boughtTogether: null,
  });
}
