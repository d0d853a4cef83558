import { describe, expect, it } from "vitest";
import { ItemCatalog } from "../../src/recsys/catalog";
import { SOURCES, type Candidate } from "../../src/recsys/feed/candidates";
import { DEFAULT_RERANK, inverseNorms, rerank, type RerankOptions } from "../../src/recsys/feed/rerank";
import type { ItemVectors } from "../../src/recsys/models/serving-models";
import type { ListingSummary } from "../../src/ports/marketplace";
import { Rng } from "../../ml/core/rng";

/**
 * The textbook greedy MMR the optimised rerank must reproduce: every pick re-scores every remaining
 * candidate from scratch (cosine from the raw vectors, window re-counted), no shared state.
 */
function referenceMmr(
  ranked: readonly Candidate[],
  catalog: ItemCatalog,
  v: ItemVectors,
  listings: ReadonlyMap<number, ListingSummary>,
  o: RerankOptions,
): number[] {
  const pool = ranked.slice(0, Math.min(ranked.length, o.depth * o.poolFactor));
  const max = Math.max(...pool.map((c) => c.score));
  const min = Math.min(...pool.map((c) => c.score));
  const span = max - min || 1;
  const rel = pool.map((c) => {
    const l = listings.get(c.item);
    return (
      (c.score - min) / span + (l ? o.freshBoost * Math.exp(-Math.max(0, o.now - l.listedAt) / (3 * 86_400_000)) : 0)
    );
  });
  const cos = (a: number, b: number): number | null => {
    if (!v.known[a] || !v.known[b]) return null;
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let f = 0; f < v.dim; f++) {
      ab += v.items[a * v.dim + f] * v.items[b * v.dim + f];
      aa += v.items[a * v.dim + f] ** 2;
      bb += v.items[b * v.dim + f] ** 2;
    }
    return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : null;
  };
  const out: number[] = [];
  const taken = new Set<number>();
  while (out.length < Math.min(o.depth, pool.length)) {
    let best = -1;
    let bestValue = -Infinity;
    for (let j = 0; j < pool.length; j++) {
      if (taken.has(j)) continue;
      const recent = out.slice(Math.max(0, out.length - (o.window - 1)));
      if (recent.filter((i) => catalog.category[i] === catalog.category[pool[j].item]).length >= o.categoryCap)
        continue;
      let sim = 0;
      for (const i of out) sim = Math.max(sim, cos(pool[j].item, i) ?? 0);
      const value = o.lambda * rel[j] - (1 - o.lambda) * sim;
      if (value > bestValue) {
        bestValue = value;
        best = j;
      }
    }
    if (best < 0) break;
    taken.add(best);
    out.push(pool[best].item);
  }
  return [
    ...out,
    ...pool.filter((_, j) => !taken.has(j)).map((c) => c.item),
    ...ranked.slice(pool.length).map((c) => c.item),
  ];
}

function randomCase(seed: number): {
  catalog: ItemCatalog;
  vectors: ItemVectors;
  ranked: Candidate[];
  listings: Map<number, ListingSummary>;
} {
  const rng = new Rng(seed);
  const n = 400;
  const cats = 2 + rng.int(12);
  const catalog = new ItemCatalog(
    Array.from({ length: n }, (_, i) => ({
      id: `I${i}`,
      title: `t${i}`,
      categoryPath: `E > C${rng.int(cats)}`,
      price: 10,
      rating: 4,
      ratingCount: 1,
      createdAt: 0,
      boughtTogether: null,
    })),
  );
  const dim = [8, 13, 32][rng.int(3)];
  const items = Float32Array.from({ length: n * dim }, () => rng.normal());
  const known = Uint8Array.from({ length: n }, () => (rng.next() < 0.9 ? 1 : 0));
  for (let i = 0; i < n; i++) if (!known[i]) items.fill(0, i * dim, (i + 1) * dim);
  const size = 1 + rng.int(250);
  const picked = new Set<number>();
  while (picked.size < size) picked.add(rng.int(n));
  const ranked = [...picked].map((item) => ({
    item,
    scores: new Float32Array(SOURCES.length),
    ranks: new Int32Array(SOURCES.length).fill(-1),
    anchor: -1,
    anchorSource: null,
    score: rng.normal(),
  }));
  ranked.sort((a, b) => b.score - a.score);
  const listings = new Map<number, ListingSummary>();
  for (const c of ranked)
    if (rng.next() < 0.2)
      listings.set(c.item, {
        id: `L${c.item}`,
        productId: `I${c.item}`,
        sellerId: "s",
        condition: "good",
        price: 1,
        currency: "USD",
        listedAt: 1_000_000 - rng.int(10) * 86_400_000,
      });
  return { catalog, vectors: { version: "v", dim, items, context: items, known }, ranked, listings };
}

describe("rerank (MMR + category cap + freshness)", () => {
  it.each(["wasm-simd", "js"] as const)(
    "gives exactly the order of a from-scratch greedy MMR on random cases (%s backend)",
    (backend) => {
      for (let seed = 1; seed <= 150; seed++) {
        const { catalog, vectors, ranked, listings } = randomCase(seed);
        const o = { ...DEFAULT_RERANK, depth: 5 + (seed % 60), categoryCap: 1 + (seed % 4), now: 1_000_000, backend };
        // Interleave calls with different pools and catalogs: the shared scratch buffers must not leak state.
        const got = rerank(ranked, catalog, vectors, listings, o).map((c) => c.item);
        expect(got, `seed ${seed}`).toEqual(referenceMmr(ranked, catalog, vectors, listings, o));
      }
    },
  );

  it("keeps every candidate once and handles no vectors and an empty list", () => {
    const { catalog, vectors, ranked, listings } = randomCase(7);
    const out = rerank(ranked, catalog, null, listings, { ...DEFAULT_RERANK, now: 0 });
    expect(new Set(out.map((c) => c.item)).size).toBe(ranked.length);
    expect(out).toHaveLength(ranked.length);
    expect(rerank([], catalog, vectors, listings, { ...DEFAULT_RERANK, now: 0 })).toEqual([]);
  });

  it("computes inverse norms once per vectors object (per model version)", () => {
    const { vectors } = randomCase(3);
    const a = inverseNorms(vectors);
    expect(inverseNorms(vectors)).toBe(a);
    const i = vectors.known.indexOf(1);
    let sq = 0;
    for (let f = 0; f < vectors.dim; f++) sq += vectors.items[i * vectors.dim + f] ** 2;
    expect(a[i]).toBeCloseTo(1 / Math.sqrt(sq), 5);
    expect(a[vectors.known.indexOf(0)]).toBe(0);
  });
});
