import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  parseBenchmarkCsvHeader,
  parseBenchmarkCsvRow,
  parseMetaJsonLine,
  parseReviewJsonLine,
} from "../../ml/data/amazon";
import { DemoCatalog, Prng, userInteractions } from "../../src/demo";
import { ensureDemoData } from "../../src/demo/ensure-demo.node.js";
import { generateDemoFiles } from "../../src/demo/write-demo.node.js";
import { ingestFiles } from "../../src/ingest/ingest-service.node.js";
import { count, openTempDb } from "../ingest/helpers";

const root = mkdtempSync(join(tmpdir(), "demo-gen-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const gen = (out: string, seed: number) =>
  generateDemoFiles({
    items: 400,
    users: 150,
    seed,
    ratingsPerUser: 12,
    outDir: join(root, out),
    interactions: "both",
  });

describe("demo generator", () => {
  it("is deterministic: same seed gives the same bytes, another seed differs", async () => {
    const [a, b, c] = [await gen("a", 7), await gen("b", 7), await gen("c", 8)];
    for (const f of ["meta_Electronics.jsonl", "Electronics.jsonl", "Electronics.csv"]) {
      expect(readFileSync(join(root, "b", f)).equals(readFileSync(join(root, "a", f)))).toBe(true);
      expect(readFileSync(join(root, "c", f)).equals(readFileSync(join(root, "a", f)))).toBe(false);
    }
    expect(a.ratings).toBe(b.ratings);
    expect(c.ratings).toBeGreaterThan(0);
  });

  it("writes files that the official-format parsers accept, with consistent bought_together and stats", async () => {
    const dir = join(root, "a");
    const metaLines = readFileSync(join(dir, "meta_Electronics.jsonl"), "utf8").trim().split("\n");
    expect(metaLines).toHaveLength(400);
    const metas = metaLines.map((l) => {
      const r = parseMetaJsonLine(l);
      if (!r.ok) throw new Error(r.detail);
      return r.value;
    });
    const asins = new Set(metas.map((m) => m.parentAsin));
    expect(asins.size).toBe(400);
    for (const m of metas) {
      expect(m.categories[0]).toBe("Electronics");
      for (const b of m.boughtTogether ?? []) expect(asins.has(b)).toBe(true);
    }
    const csv = readFileSync(join(dir, "Electronics.csv"), "utf8").trim().split("\n");
    const header = parseBenchmarkCsvHeader(csv[0]);
    if (!header.ok) throw new Error(header.detail);
    const ratings = csv.slice(1).map((l) => parseBenchmarkCsvRow(l, header.value));
    expect(ratings.every((r) => r.ok)).toBe(true);
    const reviews = readFileSync(join(dir, "Electronics.jsonl"), "utf8").trim().split("\n").map(parseReviewJsonLine);
    expect(reviews.every((r) => r.ok)).toBe(true);
    expect(reviews.length).toBe(ratings.length);
    // rating_number in meta equals the number of generated ratings of the item
    const perItem = new Map<string, number>();
    for (const r of ratings) if (r.ok) perItem.set(r.value.parentAsin, (perItem.get(r.value.parentAsin) ?? 0) + 1);
    for (const m of metas) expect(m.ratingNumber).toBe(perItem.get(m.parentAsin) ?? 0);
  });

  it("has a long-tailed popularity and ratings that follow item quality", () => {
    const catalog = new DemoCatalog(2_000, 3);
    const counts = new Map<number, number>();
    const byQuality: { q: number; r: number }[] = [];
    for (let u = 0; u < 1_500; u++) {
      for (const x of userInteractions(catalog, u, 10)) {
        counts.set(x.item, (counts.get(x.item) ?? 0) + 1);
        byQuality.push({ q: catalog.quality[x.item], r: x.rating });
      }
    }
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const total = sorted.reduce((a, b) => a + b, 0);
    const top10pct = sorted.slice(0, Math.ceil(catalog.itemCount / 10)).reduce((a, b) => a + b, 0);
    expect(top10pct / total).toBeGreaterThan(0.4); // a tenth of the items gets a large share of the traffic
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const good = mean(byQuality.filter((x) => x.q > 0.9).map((x) => x.r));
    const poor = mean(byQuality.filter((x) => x.q < 0.6).map((x) => x.r));
    expect(good - poor).toBeGreaterThan(0.5);
  });

  it("seeded PRNG repeats and does not use Math.random", () => {
    const a = new Prng(1, 2);
    const b = new Prng(1, 2);
    const orig = Math.random;
    Math.random = () => {
      throw new Error("Math.random used");
    };
    try {
      expect(Array.from({ length: 5 }, () => a.nextUint32())).toEqual(Array.from({ length: 5 }, () => b.nextUint32()));
      new DemoCatalog(50, 1);
      userInteractions(new DemoCatalog(50, 1), 0, 5);
    } finally {
      Math.random = orig;
    }
  });

  it("generated files ingest cleanly, and ensureDemoData loads only into an empty catalog", async () => {
    const t = await openTempDb();
    try {
      const dir = join(root, "a");
      const r = await ingestFiles(t.db, [
        join(dir, "meta_Electronics.jsonl"),
        join(dir, "Electronics.jsonl"),
        join(dir, "Electronics.csv"),
      ]);
      expect(r.totals.skipped).toBe(0);
      expect(r.files[0].inserted).toBe(400);
      expect(r.files[2]).toMatchObject({ inserted: 0, unchanged: r.files[1].inserted }); // CSV = the same interactions
      expect(await count(t.db, "SELECT count(*) FROM categories WHERE parent_path IS NULL")).toBe(1);
      const skipped = await ensureDemoData(t.db, { dir: join(root, "ensure") });
      expect(skipped).toEqual({ status: "skipped", reason: "products_present" });
    } finally {
      t.close();
    }
    const fresh = await openTempDb();
    try {
      const loaded = await ensureDemoData(fresh.db, {
        dir: join(root, "ensure"),
        items: 300,
        users: 100,
        ratingsPerUser: 8,
      });
      expect(loaded.status).toBe("loaded");
      if (loaded.status !== "loaded") return;
      expect(loaded.ingest.totals.skipped).toBe(0);
      expect(await count(fresh.db, "SELECT count(*) FROM products")).toBe(300);
      expect(await count(fresh.db, "SELECT count(*) FROM reviews")).toBe(loaded.ratings);
      expect(await count(fresh.db, "SELECT count(*) FROM reviews WHERE text IS NOT NULL AND text <> ''")).toBe(
        loaded.ratings,
      );
    } finally {
      fresh.close();
    }
  });
});
