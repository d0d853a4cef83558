/**
 * Contract every VectorIndex adapter must pass. `vectorIndexContract(name, factory)`: the factory
 * builds a fresh, isolated index (own collection prefix / alias on a shared server).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { SearchHit, VectorIndex, VectorPayload, VectorPoint } from "../../src/ports/vector-index.js";

export interface VectorIndexHarness {
  index: VectorIndex;
  /** Drop whatever the test created on a shared server. */
  cleanup?: () => Promise<void>;
}
export type VectorIndexFactory = () => Promise<VectorIndexHarness>;

const f32 = (...xs: number[]): Float32Array => Float32Array.from(xs);
const pt = (id: string, vector: number[], category = "phones", available = true, price?: number): VectorPoint => ({
  id,
  vector: f32(...vector),
  payload: price === undefined ? { category, available } : { category, available, price },
});
const hitIds = (hits: SearchHit[]): string[] => hits.map((h) => h.id);
const err = (code: string) => ({ name: "VectorIndexError", code });

/** Deterministic PRNG (mulberry32) so the reference comparison is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function vectorIndexContract(name: string, factory: VectorIndexFactory): void {
  describe(`VectorIndex contract: ${name}`, () => {
    let cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups) await c();
      cleanups = [];
    });
    const make = async (): Promise<VectorIndex> => {
      const h = await factory();
      if (h.cleanup) cleanups.push(h.cleanup);
      return h.index;
    };

    describe("collections", () => {
      it("creates idempotently, describes, lists and rejects a conflicting spec", async () => {
        const index = await make();
        expect(await index.listVersions()).toEqual([]);
        await index.ensureCollection("v2", { dimension: 4, distance: "cosine" });
        await index.ensureCollection("v2", { dimension: 4, distance: "cosine" });
        await index.ensureCollection("v1", { dimension: 3, distance: "dot" });
        expect(await index.listVersions()).toEqual(["v1", "v2"]);
        expect(await index.describe("v2")).toEqual({ version: "v2", dimension: 4, distance: "cosine", count: 0 });
        expect(await index.describe("v9")).toBeNull();
        await expect(index.ensureCollection("v2", { dimension: 8, distance: "cosine" })).rejects.toMatchObject(
          err("conflict"),
        );
        await expect(index.ensureCollection("v2", { dimension: 4, distance: "dot" })).rejects.toMatchObject(
          err("conflict"),
        );
      });

      it("rejects bad version names and specs", async () => {
        const index = await make();
        for (const bad of ["", "live", "a b", "x/y", "ü", "a".repeat(65)]) {
          await expect(index.ensureCollection(bad, { dimension: 4, distance: "cosine" })).rejects.toMatchObject(
            err("invalid_argument"),
          );
        }
        await expect(index.ensureCollection("v", { dimension: 0, distance: "cosine" })).rejects.toMatchObject(
          err("invalid_argument"),
        );
        await expect(
          index.ensureCollection("v", { dimension: 4, distance: "euclid" as unknown as "dot" }),
        ).rejects.toMatchObject(err("invalid_argument"));
        expect(await index.listVersions()).toEqual([]);
      });

      it("drops versions, reports whether they existed, and refuses to drop the live one", async () => {
        const index = await make();
        await index.ensureCollection("a", { dimension: 2, distance: "dot" });
        await index.ensureCollection("b", { dimension: 2, distance: "dot" });
        await index.setLive("a");
        await expect(index.dropVersion("a")).rejects.toMatchObject(err("conflict"));
        expect(await index.dropVersion("b")).toBe(true);
        expect(await index.dropVersion("b")).toBe(false);
        expect(await index.listVersions()).toEqual(["a"]);
        expect(await index.liveVersion()).toBe("a");
      });
    });

    describe("upsert and search", () => {
      it("ranks by cosine similarity, best first, with payloads", async () => {
        const index = await make();
        await index.ensureCollection("v", { dimension: 3, distance: "cosine" });
        await index.upsert("v", [
          pt("same", [2, 0, 0], "phones", true, 120),
          pt("near", [1, 1, 0], "laptops", false),
          pt("ortho", [0, 0, 5]),
          pt("opposite", [-1, 0, 0]),
        ]);
        const hits = await index.search(f32(1, 0, 0), { k: 10, version: "v" });
        expect(hitIds(hits)).toEqual(["same", "near", "ortho", "opposite"]);
        expect(hits[0].score).toBeCloseTo(1, 4);
        expect(hits[1].score).toBeCloseTo(Math.SQRT1_2, 4);
        expect(hits[2].score).toBeCloseTo(0, 4);
        expect(hits[3].score).toBeCloseTo(-1, 4);
        expect(hits[0].payload).toEqual({ category: "phones", available: true, price: 120 });
        expect(hits[1].payload).toEqual({ category: "laptops", available: false });
      });

      it("ranks by raw dot product under dot distance (magnitude counts)", async () => {
        const index = await make();
        await index.ensureCollection("v", { dimension: 2, distance: "dot" });
        await index.upsert("v", [pt("small", [1, 0]), pt("big", [3, 1]), pt("neg", [-2, 0])]);
        const hits = await index.search(f32(2, 0), { k: 3, version: "v" });
        expect(hitIds(hits)).toEqual(["big", "small", "neg"]);
        expect(hits.map((h) => h.score)).toEqual([expect.closeTo(6, 4), expect.closeTo(2, 4), expect.closeTo(-4, 4)]);
      });

      it("returns only the best k, and everything when k exceeds the size", async () => {
        const index = await make();
        await index.ensureCollection("v", { dimension: 2, distance: "dot" });
        await index.upsert(
          "v",
          [1, 2, 3, 4, 5].map((x) => pt(`p${x}`, [x, 0])),
        );
        expect(hitIds(await index.search(f32(1, 0), { k: 2, version: "v" }))).toEqual(["p5", "p4"]);
        expect(await index.search(f32(1, 0), { k: 50, version: "v" })).toHaveLength(5);
        await index.ensureCollection("empty", { dimension: 2, distance: "dot" });
        expect(await index.search(f32(1, 0), { k: 5, version: "empty" })).toEqual([]);
      });

      it("replaces vector and payload when an id is upserted again", async () => {
        const index = await make();
        await index.ensureCollection("v", { dimension: 2, distance: "cosine" });
        await index.upsert("v", [pt("a", [1, 0], "phones", true), pt("b", [0, 1])]);
        await index.upsert("v", [pt("a", [0, 1], "tablets", false, 9.5)]);
        expect((await index.describe("v"))?.count).toBe(2);
        const hits = await index.search(f32(0, 1), { k: 1, version: "v", filter: { categories: ["tablets"] } });
        expect(hits).toEqual([
          { id: "a", score: expect.closeTo(1, 4), payload: { category: "tablets", available: false, price: 9.5 } },
        ]);
      });

      it("maps arbitrary string ids (unicode, numeric-looking, long) and keeps them distinct", async () => {
        const index = await make();
        await index.ensureCollection("v", { dimension: 2, distance: "dot" });
        const ids = ["42", "042", "B0C7-XYZ", "ü/💡 id", "x".repeat(300)];
        await index.upsert(
          "v",
          ids.map((id, i) => pt(id, [i + 1, 0])),
        );
        expect((await index.describe("v"))?.count).toBe(ids.length);
        expect(hitIds(await index.search(f32(1, 0), { k: 10, version: "v" }))).toEqual([...ids].reverse());
      });

      it("upserts large batches (more than one backend batch)", async () => {
        const index = await make();
        await index.ensureCollection("v", { dimension: 8, distance: "cosine" });
        const rand = rng(7);
        const points = Array.from({ length: 700 }, (_, i) =>
          pt(
            `item-${i}`,
            Array.from({ length: 8 }, () => rand() - 0.5),
          ),
        );
        await index.upsert("v", points);
        expect((await index.describe("v"))?.count).toBe(700);
        const target = points[613];
        const [top] = await index.search(target.vector, { k: 1, version: "v" });
        expect(top.id).toBe("item-613");
        expect(top.score).toBeCloseTo(1, 4);
      });

      it("does not alias the caller's vector", async () => {
        const index = await make();
        await index.ensureCollection("v", { dimension: 2, distance: "dot" });
        const p = pt("a", [1, 0]);
        await index.upsert("v", [p]);
        p.vector[0] = -100;
        const [hit] = await index.search(f32(1, 0), { k: 1, version: "v" });
        expect(hit.score).toBeCloseTo(1, 4);
      });
    });

    describe("filters", () => {
      const seed = async (): Promise<VectorIndex> => {
        const index = await make();
        await index.ensureCollection("v", { dimension: 2, distance: "cosine" });
        await index.upsert("v", [
          pt("p1", [1, 0.0], "phones", true),
          pt("p2", [1, 0.1], "phones", false),
          pt("l1", [1, 0.2], "laptops", true),
          pt("t1", [1, 0.3], "tablets", true),
          pt("t2", [1, 0.4], "tablets", false),
        ]);
        return index;
      };
      const q = f32(1, 0);

      it("filters by category set", async () => {
        const index = await seed();
        expect(
          hitIds(await index.search(q, { k: 10, version: "v", filter: { categories: ["tablets", "phones"] } })),
        ).toEqual(["p1", "p2", "t1", "t2"]);
        expect(hitIds(await index.search(q, { k: 10, version: "v", filter: { categories: ["laptops"] } }))).toEqual([
          "l1",
        ]);
      });

      it("filters to available items", async () => {
        const index = await seed();
        expect(hitIds(await index.search(q, { k: 10, version: "v", filter: { availableOnly: true } }))).toEqual([
          "p1",
          "l1",
          "t1",
        ]);
        expect(hitIds(await index.search(q, { k: 10, version: "v", filter: { availableOnly: false } }))).toHaveLength(
          5,
        );
      });

      it("excludes ids, including unknown ones, and still fills k from the rest", async () => {
        const index = await seed();
        const hits = await index.search(q, { k: 2, version: "v", filter: { excludeIds: ["p1", "nope", "l1"] } });
        expect(hitIds(hits)).toEqual(["p2", "t1"]);
      });

      it("combines all conditions as AND", async () => {
        const index = await seed();
        const filter = { categories: ["tablets", "phones"], availableOnly: true, excludeIds: ["p1"] };
        expect(hitIds(await index.search(q, { k: 10, version: "v", filter }))).toEqual(["t1"]);
      });

      it("matches nothing for an empty or unknown category list", async () => {
        const index = await seed();
        expect(await index.search(q, { k: 10, version: "v", filter: { categories: [] } })).toEqual([]);
        expect(await index.search(q, { k: 10, version: "v", filter: { categories: ["toasters"] } })).toEqual([]);
      });

      it("agrees with a brute-force reference on random data", async () => {
        const index = await make();
        const rand = rng(42);
        const dim = 16;
        const cats = ["a", "b", "c", "d"];
        await index.ensureCollection("v", { dimension: dim, distance: "cosine" });
        const points = Array.from({ length: 400 }, (_, i) =>
          pt(
            `i${i}`,
            Array.from({ length: dim }, () => rand() * 2 - 1),
            cats[i % 4],
            rand() < 0.6,
          ),
        );
        await index.upsert("v", points);
        const norm = (v: Float32Array): number => Math.hypot(...v);
        for (let trial = 0; trial < 5; trial++) {
          const query = Float32Array.from({ length: dim }, () => rand() * 2 - 1);
          const filter = {
            categories: cats.slice(0, 1 + (trial % 3)),
            availableOnly: trial % 2 === 0,
            excludeIds: [`i${trial}`, `i${trial + 4}`],
          };
          const expected = points
            .filter(
              (p) =>
                filter.categories.includes(p.payload.category) &&
                (!filter.availableOnly || p.payload.available) &&
                !filter.excludeIds.includes(p.id),
            )
            .map((p) => ({
              id: p.id,
              score: p.vector.reduce((s, x, j) => s + x * query[j], 0) / (norm(p.vector) * norm(query)),
            }))
            .sort((a, b) => b.score - a.score)
            .slice(0, 10);
          const hits = await index.search(query, { k: 10, version: "v", filter });
          expect(hitIds(hits)).toEqual(expected.map((e) => e.id));
          hits.forEach((h, i) => {
            expect(h.score).toBeCloseTo(expected[i].score, 4);
          });
        }
      });
    });

    describe("delete", () => {
      it("removes points, ignores unknown ids and allows re-inserting", async () => {
        const index = await make();
        await index.ensureCollection("v", { dimension: 2, distance: "dot" });
        await index.upsert("v", [pt("a", [3, 0]), pt("b", [2, 0]), pt("c", [1, 0])]);
        await index.delete("v", ["a", "zzz"]);
        expect((await index.describe("v"))?.count).toBe(2);
        expect(hitIds(await index.search(f32(1, 0), { k: 10, version: "v" }))).toEqual(["b", "c"]);
        await index.delete("v", []);
        await index.upsert("v", [pt("a", [0.5, 0], "books")]);
        const hits = await index.search(f32(1, 0), { k: 10, version: "v" });
        expect(hitIds(hits)).toEqual(["b", "c", "a"]);
        expect(hits[2].payload.category).toBe("books");
      });
    });

    describe("live version", () => {
      it("switches the live version atomically and searches it by default", async () => {
        const index = await make();
        expect(await index.liveVersion()).toBeNull();
        await index.ensureCollection("v1", { dimension: 2, distance: "dot" });
        await index.ensureCollection("v2", { dimension: 2, distance: "dot" });
        await index.upsert("v1", [pt("old", [1, 0])]);
        await index.upsert("v2", [pt("new", [1, 0])]);
        await expect(index.search(f32(1, 0), { k: 1 })).rejects.toMatchObject(err("not_found"));
        await index.setLive("v1");
        expect(await index.liveVersion()).toBe("v1");
        expect(hitIds(await index.search(f32(1, 0), { k: 1 }))).toEqual(["old"]);
        await index.setLive("v2");
        expect(await index.liveVersion()).toBe("v2");
        expect(hitIds(await index.search(f32(1, 0), { k: 1 }))).toEqual(["new"]);
        expect(hitIds(await index.search(f32(1, 0), { k: 1, version: "v1" }))).toEqual(["old"]);
        await index.setLive("v2"); // idempotent
        expect(await index.liveVersion()).toBe("v2");
      });

      it("refuses to point live at a missing version and leaves it unchanged", async () => {
        const index = await make();
        await index.ensureCollection("v1", { dimension: 2, distance: "dot" });
        await index.setLive("v1");
        await expect(index.setLive("ghost")).rejects.toMatchObject(err("not_found"));
        expect(await index.liveVersion()).toBe("v1");
      });
    });

    describe("errors", () => {
      it("reports missing versions as not_found", async () => {
        const index = await make();
        await expect(index.upsert("ghost", [pt("a", [1, 0])])).rejects.toMatchObject(err("not_found"));
        await expect(index.delete("ghost", ["a"])).rejects.toMatchObject(err("not_found"));
        await expect(index.search(f32(1, 0), { k: 1, version: "ghost" })).rejects.toMatchObject(err("not_found"));
      });

      it("validates vectors, payloads and k, writing nothing from a bad batch", async () => {
        const index = await make();
        await index.ensureCollection("v", { dimension: 2, distance: "cosine" });
        const bad: VectorPoint[] = [
          pt("short", [1]),
          pt("nan", [1, Number.NaN]),
          pt("zero", [0, 0]),
          pt("", [1, 0]),
          { id: "nopayload", vector: f32(1, 0), payload: { category: 3 } as unknown as VectorPayload },
          pt("price", [1, 0], "x", true, Number.POSITIVE_INFINITY),
        ];
        for (const b of bad) {
          await expect(index.upsert("v", [pt("good", [1, 0]), b])).rejects.toMatchObject(err("invalid_argument"));
        }
        expect((await index.describe("v"))?.count).toBe(0);
        for (const query of [f32(1), f32(0, 0), f32(Number.POSITIVE_INFINITY, 0)]) {
          await expect(index.search(query, { k: 1, version: "v" })).rejects.toMatchObject(err("invalid_argument"));
        }
        await index.ensureCollection("d", { dimension: 2, distance: "dot" });
        await index.upsert("d", [pt("zero-is-fine-stored-under-dot", [0, 0])]);
        await expect(index.search(f32(0, 0), { k: 1, version: "d" })).rejects.toMatchObject(err("invalid_argument"));
        for (const k of [0, -1, 1.5, 1001]) {
          await expect(index.search(f32(1, 0), { k, version: "v" })).rejects.toMatchObject(err("invalid_argument"));
        }
      });
    });
  });
}
