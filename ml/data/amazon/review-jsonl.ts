import { isObject, parseJsonObject } from "./json-fields";
import { parseError, parseOk, type ParseResult } from "./result";

/** One line of the raw reviews file `<Category>.jsonl(.gz)`. */
export interface RawReview {
  rating: number;
  title: string;
  text: string;
  /** Image objects as in the source (small/medium/large image URLs, attachment type). */
  images: unknown[];
  asin: string | null;
  parentAsin: string;
  userId: string;
  /** Unix milliseconds. */
  timestamp: number;
  helpfulVote: number;
  verifiedPurchase: boolean | null;
}

/**
 * Parses one raw review JSONL line. `rating`, `parent_asin`, `user_id` and `timestamp` are required (they are
 * the interaction); the text fields default to empty when absent so a sparse line still records the rating.
 */
export function parseReviewJsonLine(line: string): ParseResult<RawReview> {
  if (line.trim().length === 0) return parseError("empty_line", "empty line");
  const parsed = parseJsonObject(line);
  if (!parsed.ok) return parsed.json ? parseError("not_an_object", "JSON value is not an object") : parseError("invalid_json", "line is not valid JSON");
  const o = parsed.value;

  const userId = o.user_id;
  if (typeof userId !== "string" || userId.length === 0) return parseError("missing_field", "user_id is missing or not a string");
  const parentAsin = o.parent_asin;
  if (typeof parentAsin !== "string" || parentAsin.length === 0) return parseError("missing_field", "parent_asin is missing or not a string");
  if (o.rating === undefined || o.rating === null) return parseError("missing_field", "rating is missing");
  const rating = typeof o.rating === "string" ? Number(o.rating) : o.rating;
  if (typeof rating !== "number" || !(rating >= 1 && rating <= 5)) return parseError("bad_rating", `rating ${JSON.stringify(o.rating)} is not in 1..5`);
  if (o.timestamp === undefined || o.timestamp === null) return parseError("missing_field", "timestamp is missing");
  const timestamp = typeof o.timestamp === "string" ? Number(o.timestamp) : o.timestamp;
  if (typeof timestamp !== "number" || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    return parseError("bad_timestamp", `timestamp ${JSON.stringify(o.timestamp)} is not a non-negative integer (ms)`);
  }
  const asin = o.asin;
  if (asin !== undefined && asin !== null && typeof asin !== "string") return parseError("invalid_field", "asin is not a string");
  const helpfulVote = o.helpful_vote ?? 0;
  if (typeof helpfulVote !== "number" || !Number.isInteger(helpfulVote) || helpfulVote < 0) return parseError("invalid_field", "helpful_vote is not a non-negative integer");
  const verified = o.verified_purchase;
  if (verified !== undefined && verified !== null && typeof verified !== "boolean") return parseError("invalid_field", "verified_purchase is not a boolean");
  const images = o.images ?? [];
  if (!Array.isArray(images) || !images.every((x) => isObject(x) || typeof x === "string")) return parseError("invalid_field", "images is not an array");

  return parseOk({
    rating,
    title: typeof o.title === "string" ? o.title : "",
    text: typeof o.text === "string" ? o.text : "",
    images,
    asin: typeof asin === "string" ? asin : null,
    parentAsin,
    userId,
    timestamp,
    helpfulVote,
    verifiedPurchase: typeof verified === "boolean" ? verified : null,
  });
}
