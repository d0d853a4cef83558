import { isObject, isStringArray, parseJsonObject, type JsonObject } from "./json-fields";
import { parsePrice } from "./price";
import { parseError, parseOk, type ParseResult } from "./result";

/** One line of the raw item metadata file `meta_<Category>.jsonl(.gz)`. */
export interface RawMeta {
  parentAsin: string;
  mainCategory: string | null;
  title: string;
  averageRating: number | null;
  ratingNumber: number;
  features: string[];
  description: string[];
  price: number | null;
  images: unknown[];
  videos: unknown[];
  store: string | null;
  /** Category path from the root, e.g. ["Electronics", "Computers & Accessories", "Laptops"]. */
  categories: string[];
  details: JsonObject;
  boughtTogether: string[] | null;
}

function stringList(v: unknown): string[] | null {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return v.length > 0 ? [v] : [];
  return isStringArray(v) ? v : null;
}

function nullableNumber(v: unknown): number | null | undefined {
  if (v === undefined || v === null) return null;
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** `details` is an object in the raw files but a JSON string in some re-publications (e.g. the HF loader). */
function detailsObject(v: unknown): JsonObject | null {
  if (v === undefined || v === null) return {};
  if (isObject(v)) return v;
  if (typeof v === "string") {
    try {
      const p: unknown = JSON.parse(v);
      return isObject(p) ? p : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** Parses one raw metadata JSONL line. Only `parent_asin` is required; list fields default to empty. */
export function parseMetaJsonLine(line: string): ParseResult<RawMeta> {
  if (line.trim().length === 0) return parseError("empty_line", "empty line");
  const parsed = parseJsonObject(line);
  if (!parsed.ok) return parsed.json ? parseError("not_an_object", "JSON value is not an object") : parseError("invalid_json", "line is not valid JSON");
  const o = parsed.value;

  const parentAsin = o.parent_asin;
  if (typeof parentAsin !== "string" || parentAsin.length === 0) return parseError("missing_field", "parent_asin is missing or not a string");
  if (o.title !== undefined && o.title !== null && typeof o.title !== "string") return parseError("invalid_field", "title is not a string");
  const features = stringList(o.features);
  if (!features) return parseError("invalid_field", "features is not a list of strings");
  const description = stringList(o.description);
  if (!description) return parseError("invalid_field", "description is not a list of strings");
  const categories = stringList(o.categories);
  if (!categories) return parseError("invalid_field", "categories is not a list of strings");
  const averageRating = nullableNumber(o.average_rating);
  if (averageRating === undefined) return parseError("invalid_field", "average_rating is not a number");
  const ratingNumber = nullableNumber(o.rating_number);
  if (ratingNumber === undefined || (ratingNumber !== null && (!Number.isInteger(ratingNumber) || ratingNumber < 0))) {
    return parseError("invalid_field", "rating_number is not a non-negative integer");
  }
  const images = o.images ?? [];
  if (!Array.isArray(images)) return parseError("invalid_field", "images is not an array");
  const videos = o.videos ?? [];
  if (!Array.isArray(videos)) return parseError("invalid_field", "videos is not an array");
  const details = detailsObject(o.details);
  if (!details) return parseError("invalid_field", "details is not an object");
  const bt = o.bought_together;
  if (bt !== undefined && bt !== null && !isStringArray(bt)) return parseError("invalid_field", "bought_together is not a list of strings");

  return parseOk({
    parentAsin,
    mainCategory: typeof o.main_category === "string" && o.main_category.length > 0 ? o.main_category : null,
    title: typeof o.title === "string" ? o.title : "",
    averageRating,
    ratingNumber: ratingNumber ?? 0,
    features,
    description,
    price: parsePrice(o.price),
    images,
    videos,
    store: typeof o.store === "string" && o.store.length > 0 ? o.store : null,
    categories,
    details,
    boughtTogether: isStringArray(bt) ? bt : null,
  });
}
