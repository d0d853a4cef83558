import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conditionGrades } from "../../src/db/schema/marketplace";
import { DemoCatalog, LEAF_CATEGORIES } from "../../src/demo";
import { listingDescription } from "../../src/demo/listing-text";
import { productImageSvg, shapeFor } from "../../src/demo/product-image";
import { describeItem } from "../../src/demo/product-spec";
import { allowed } from "../../src/demo/title-specs";
import { generateDemoFiles } from "../../src/demo/write-demo.node.js";

/** Invariants of issue 15 #6: the demo catalog must look like a real one. */
const root = mkdtempSync(join(tmpdir(), "demo-real-"));
const END = Date.UTC(2026, 5, 15);
let metas: Record<string, unknown>[] = [];
let reviews: Record<string, unknown>[] = [];

beforeAll(async () => {
  await generateDemoFiles({
    items: 1_500,
    users: 400,
    seed: 11,
    ratingsPerUser: 25,
    outDir: root,
    interactions: "reviews",
    endMs: END,
  });
  const lines = (f: string) => readFileSync(join(root, f), "utf8").trim().split("\n");
  metas = lines("meta_Electronics.jsonl").map((l) => JSON.parse(l));
  reviews = lines("Electronics.jsonl").map((l) => JSON.parse(l));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("demo catalog realism", () => {
  it("prices every product inside its category's range", () => {
    const byPath = new Map(LEAF_CATEGORIES.map((l) => [l.path.join(">"), l]));
    for (const m of metas) {
      expect(typeof m.price).toBe("number");
      const leaf = byPath.get((m.categories as string[]).join(">"));
      if (!leaf) throw new Error(`unknown category ${m.categories}`);
      expect(m.price as number).toBeGreaterThan(0);
      expect(m.price as number).toBeLessThanOrEqual(leaf.price[1]);
    }
  });

  it("dates nothing after the end date (reviews, first availability), and the default end is not in the future", () => {
    const maxTs = Math.max(...reviews.map((r) => r.timestamp as number));
    expect(maxTs).toBeLessThanOrEqual(END);
    expect(maxTs).toBeGreaterThan(END - 365 * 86_400_000); // the timeline reaches recent times
    for (const m of metas) {
      const first = Date.parse(`${(m.details as Record<string, string>)["Date First Available"]} UTC`);
      expect(Number.isFinite(first)).toBe(true);
      expect(first).toBeLessThan(END);
    }
    const now = Date.now();
    const catalog = new DemoCatalog(10, 1);
    expect(catalog.timeline.endMs).toBeLessThanOrEqual(now);
  });

  it("builds titles from one value per spec group, each allowed for the brand and noun", () => {
    const catalog = new DemoCatalog(6_000, 5, END);
    for (let i = 0; i < catalog.itemCount; i++) {
      const leaf = catalog.leaf(i);
      const item = describeItem(catalog, i);
      const noun = leaf.nouns.find((n) => n.v === item.noun);
      expect(noun, `${leaf.key}: ${item.title}`).toBeDefined();
      expect(allowed(noun!, item.brand, null), item.title).toBe(true);
      const [head, ...parts] = item.title.split(", ");
      expect(head.startsWith(item.brand)).toBe(true);
      expect(head.endsWith(item.noun)).toBe(true);
      const groupsUsed = new Set<string>();
      for (const part of parts) {
        const groups = leaf.specs.filter((g) => g.options.some((o) => o.v === part));
        expect(groups.length, `${part} in ${item.title}`).toBe(1);
        const option = groups[0].options.find((o) => o.v === part)!;
        expect(allowed(option, item.brand, item.noun), `${part} in ${item.title}`).toBe(true);
        expect(groupsUsed.has(groups[0].label), `two ${groups[0].label} values in ${item.title}`).toBe(false);
        groupsUsed.add(groups[0].label);
      }
    }
  });

  it("never contradicts itself in the examples the issue names", () => {
    const titles = metas.map((m) => String(m.title));
    const tvSizes = /\b(43|50|55|65|75) Inch\b/g;
    for (const t of titles) {
      if (/Smart TV/.test(t)) expect((t.match(tvSizes) ?? []).length).toBeLessThanOrEqual(1);
      if (/^Apple /.test(t)) expect(t).not.toMatch(/Android|Windows|ChromeOS|Galaxy|Fire OS/);
      if (/Chromebook/.test(t)) expect(t).not.toMatch(/Windows|macOS/);
    }
    // spec values in details agree with the title
    for (const m of metas) {
      const d = m.details as Record<string, string>;
      if (d["Screen Size"]) expect(String(m.title)).toContain(d["Screen Size"]);
    }
  });

  it("gives every product an image: the drawn one for its category and brand", () => {
    for (const m of metas) {
      const images = m.images as { large: string }[];
      expect(images.length).toBeGreaterThan(0);
      expect(images[0].large).toBe(`/images/demo/${m.parent_asin}.svg`);
    }
    const laptop = metas.find((m) => (m.categories as string[]).at(-1) === "Laptops")!;
    expect(shapeFor((laptop.categories as string[]).join(" > "), String(laptop.title))).toBe("laptop");
    const svg = productImageSvg({ categoryPath: "Electronics", brand: 'A&B "<x>"', title: "Widget" });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("A&amp;B &quot;&lt;x&gt;&quot;");
    expect(svg).not.toContain("<x>");
  });

  it("writes varied review and listing texts", () => {
    const texts = new Set(reviews.map((r) => r.text));
    expect(texts.size / reviews.length).toBeGreaterThan(0.5);
    const titles = new Set(reviews.map((r) => r.title));
    expect(titles.size).toBeGreaterThan(20);
    const listings = new Set<string>();
    for (let s = 0; s < 3; s++)
      for (let i = 0; i < 10; i++) listings.add(listingDescription(42, s, i, conditionGrades[(s + i) % 5]!));
    expect(listings.size).toBeGreaterThan(15);
    for (const l of listings) expect(l).not.toMatch(/Demo listing/);
  });
});
