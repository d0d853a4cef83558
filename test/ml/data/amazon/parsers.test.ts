import { describe, expect, it } from "vitest";
import {
  categoryPaths,
  csvRecordIsComplete,
  detectAmazonFormat,
  parseBenchmarkCsvHeader,
  parseBenchmarkCsvRow,
  parseItemsMetaCsvHeader,
  parseItemsMetaCsvRow,
  parseMetaJsonLine,
  parsePrice,
  parsePythonLiteral,
  parseReviewJsonLine,
  splitCsvRecord,
  type BenchmarkCsvHeader,
} from "../../../../ml/data/amazon";

const ratingOnly: BenchmarkCsvHeader = { kind: "rating_only", columnCount: 4 };
const withHistory: BenchmarkCsvHeader = { kind: "with_history", columnCount: 5 };

describe("CSV field splitting", () => {
  it("splits plain and quoted fields, doubled quotes and commas inside quotes", () => {
    expect(splitCsvRecord("a,b,,d")).toEqual({ ok: true, value: ["a", "b", "", "d"] });
    expect(splitCsvRecord('x,"a, ""b""",y,')).toEqual({ ok: true, value: ["x", 'a, "b"', "y", ""] });
    expect(splitCsvRecord('"multi\nline",2')).toEqual({ ok: true, value: ["multi\nline", "2"] });
  });
  it("reports an unterminated quote and detects continuation lines", () => {
    expect(splitCsvRecord('a,"open')).toMatchObject({ ok: false, reason: "unterminated_quote" });
    expect(csvRecordIsComplete('a,"open')).toBe(false);
    expect(csvRecordIsComplete('a,"open\nclosed"')).toBe(true);
  });
});

describe("benchmark CSV", () => {
  it("recognises both official headers and rejects others", () => {
    expect(parseBenchmarkCsvHeader("user_id,parent_asin,rating,timestamp")).toEqual({ ok: true, value: ratingOnly });
    expect(parseBenchmarkCsvHeader("\uFEFFuser_id,parent_asin,rating,timestamp,history\r")).toEqual({ ok: true, value: withHistory });
    expect(parseBenchmarkCsvHeader("a,b,c")).toMatchObject({ ok: false, reason: "bad_header" });
  });
  it("parses rating_only and history rows", () => {
    expect(parseBenchmarkCsvRow("AFSK,B07J3GH1W1,5.0,1547589356557", ratingOnly)).toEqual({
      ok: true,
      value: { userId: "AFSK", parentAsin: "B07J3GH1W1", rating: 5, timestamp: 1547589356557 },
    });
    const h = parseBenchmarkCsvRow("U,B2,4.0,1593352422858,B07J3GH1W1 B0XYZ\r", withHistory);
    expect(h).toMatchObject({ ok: true, value: { history: ["B07J3GH1W1", "B0XYZ"], rating: 4 } });
    expect(parseBenchmarkCsvRow("U,B2,4.0,1593352422858,", withHistory)).toMatchObject({ ok: true, value: { history: [] } });
  });
  it("gives a reason for each kind of bad row", () => {
    expect(parseBenchmarkCsvRow("U,B,5.0", ratingOnly)).toMatchObject({ ok: false, reason: "wrong_column_count" });
    expect(parseBenchmarkCsvRow("U,B,9.0,1", ratingOnly)).toMatchObject({ ok: false, reason: "bad_rating" });
    expect(parseBenchmarkCsvRow("U,B,x,1", ratingOnly)).toMatchObject({ ok: false, reason: "bad_rating" });
    expect(parseBenchmarkCsvRow("U,B,5.0,12.5", ratingOnly)).toMatchObject({ ok: false, reason: "bad_timestamp" });
    expect(parseBenchmarkCsvRow(",B,5.0,1", ratingOnly)).toMatchObject({ ok: false, reason: "missing_field" });
  });
});

describe("raw review JSONL", () => {
  const line = JSON.stringify({
    rating: 5.0, title: "Great", text: "Works", images: [], asin: "B01", parent_asin: "B00", user_id: "U1",
    timestamp: 1588687728923, helpful_vote: 2, verified_purchase: true,
  });
  it("parses an official line", () => {
    expect(parseReviewJsonLine(line)).toEqual({
      ok: true,
      value: { rating: 5, title: "Great", text: "Works", images: [], asin: "B01", parentAsin: "B00", userId: "U1", timestamp: 1588687728923, helpfulVote: 2, verifiedPurchase: true },
    });
  });
  it("rejects bad JSON, missing fields and bad ratings with reasons", () => {
    expect(parseReviewJsonLine('{"rating": 5,')).toMatchObject({ ok: false, reason: "invalid_json" });
    expect(parseReviewJsonLine("[1,2]")).toMatchObject({ ok: false, reason: "not_an_object" });
    expect(parseReviewJsonLine(JSON.stringify({ rating: 5, parent_asin: "B", timestamp: 1 }))).toMatchObject({ ok: false, reason: "missing_field" });
    expect(parseReviewJsonLine(JSON.stringify({ rating: 7, parent_asin: "B", user_id: "U", timestamp: 1 }))).toMatchObject({ ok: false, reason: "bad_rating" });
  });
});

describe("raw meta JSONL", () => {
  it("parses lists, details and price strings", () => {
    const r = parseMetaJsonLine(
      JSON.stringify({
        main_category: "All Electronics", title: "Headphones X", average_rating: 4.4, rating_number: 10, features: ["a"], description: [],
        price: "$1,299.99", images: [], videos: [], store: "Sony", categories: ["Electronics", "Headphones"], details: { Brand: "Sony" },
        parent_asin: "B0H", bought_together: null,
      }),
    );
    expect(r).toMatchObject({ ok: true, value: { price: 1299.99, categories: ["Electronics", "Headphones"], details: { Brand: "Sony" }, boughtTogether: null } });
    expect(parseMetaJsonLine(JSON.stringify({ title: "no asin" }))).toMatchObject({ ok: false, reason: "missing_field" });
    expect(parseMetaJsonLine(JSON.stringify({ parent_asin: "B", features: "x", categories: [1] }))).toMatchObject({ ok: false, reason: "invalid_field" });
  });
  it("normalises prices", () => {
    expect(parsePrice(12.5)).toBe(12.5);
    expect(parsePrice("$12.99")).toBe(12.99);
    expect(parsePrice("None")).toBeNull();
    expect(parsePrice("$10.99 - $15.99")).toBe(10.99);
    expect(parsePrice(null)).toBeNull();
  });
});

describe("items_meta.processed.csv and format detection", () => {
  it("parses Python dict literals in details", () => {
    expect(parsePythonLiteral(`{'Brand': "C'est Moi", 'N': 2, 'ok': True, 'x': None}`)).toEqual({ Brand: "C'est Moi", N: 2, ok: true, x: null });
    expect(parsePythonLiteral("{'a': ")).toBeUndefined();
    const h = parseItemsMetaCsvHeader(",index,title,description,price,details,parent_asin");
    if (!h.ok) throw new Error(h.detail);
    const r = parseItemsMetaCsvRow(`0,44,"Oil, 16 oz",,19.99,"{'Brand': 'Shiny Leaf'}",B08LYT4Q2X`, h.value);
    expect(r).toMatchObject({ ok: true, value: { parentAsin: "B08LYT4Q2X", title: "Oil, 16 oz", price: 19.99, store: "Shiny Leaf" } });
  });
  it("detects formats from name and first line", () => {
    expect(detectAmazonFormat("x/Electronics.csv", "user_id,parent_asin,rating,timestamp")).toEqual({ ok: true, value: "benchmark_rating_only" });
    expect(detectAmazonFormat("All_Beauty.train.csv", "user_id,parent_asin,rating,timestamp,history")).toEqual({ ok: true, value: "benchmark_with_history" });
    expect(detectAmazonFormat("items_meta.processed.csv", ",index,title,description,price,details,parent_asin")).toEqual({ ok: true, value: "items_meta_csv" });
    expect(detectAmazonFormat("Electronics.jsonl.gz", '{"rating":5,"user_id":"U"}')).toEqual({ ok: true, value: "review_jsonl" });
    expect(detectAmazonFormat("meta_Electronics.jsonl.gz", '{"main_category":"x","parent_asin":"B"}')).toEqual({ ok: true, value: "meta_jsonl" });
    expect(detectAmazonFormat("meta_Electronics.jsonl", "{broken")).toEqual({ ok: true, value: "meta_jsonl" });
    expect(detectAmazonFormat("notes.txt", "hello")).toMatchObject({ ok: false, reason: "bad_header" });
  });
  it("builds ancestor-or-self category paths with a main_category fallback", () => {
    expect(categoryPaths(["Electronics", "Headphones", "Earbuds"], "All Electronics").map((p) => p.path)).toEqual([
      "Electronics",
      "Electronics > Headphones",
      "Electronics > Headphones > Earbuds",
    ]);
    expect(categoryPaths([], "All Electronics")).toEqual([{ path: "All Electronics", name: "All Electronics", parentPath: null, depth: 0 }]);
    expect(categoryPaths([], null)).toEqual([]);
  });
});
