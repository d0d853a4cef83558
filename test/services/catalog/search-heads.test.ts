import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../../src/db/database";
import { runMigrations } from "../../../src/db/migrate.node.js";
import { InvalidInputError } from "../../../src/domain/errors";
import { toFtsQuery } from "../../../src/services/catalog/fts-query";
import { listProducts, type ProductQuery } from "../../../src/services/catalog/products";
import {
  catalogRevision,
  decodeHeadList,
  encodeHeadList,
  isHeadForm,
  loadHeadList,
  refreshSearchHeads,
  startSearchHeadsRefresher,
} from "../../../src/services/catalog/search-heads";
import { createTestApp, createTestDb, type TestApp, type TestDb } from "../../helpers/app";
import { insertProducts, type FixtureProduct } from "../../helpers/catalog-fixtures";

/** These tests pin the bm25 keyset machinery (windows, head lists, category terms): the blend is off. */
const BM25_ONLY = { blend: false } as const;

/**
 * Head lists (precomputed top hits of frequent one-token searches) must give exactly the live FTS answer:
 * page 1, every later page by cursor, past the list's end, with filters; and never be used once the catalog
 * changed, until refreshed.
 */

const WORDS = [
  "wireless",
  "charging",
  "cable",
  "camera",
  "steel",
  "waterproof",
  "gaming",
  "studio",
  "compact",
  "travel",
  "chair",
  "charm",
];

function fixture(n: number, from = 0): FixtureProduct[] {
  let seed = 777 + from;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pick = (k: number) => WORDS.filter((_, i) => rnd() < 1 / (1 + i * k));
  return Array.from({ length: n }, (_, j) => {
    const i = from + j;
    return {
      parentAsin: `H${String(i).padStart(4, "0")}`,
      // many rank ties: the same title shape over and over
      title: `${pick(0.5).join(" ")} device${i % 9 === 0 ? " a" : ""}`,
      features: pick(1).map((w) => `${w} ready`),
      description:
        rnd() < 0.5
          ? [pick(2).join(" ")]
          : i % 5 === 0
            ? ["batteries included"]
            : i % 5 === 1
              ? ["long battery life"]
              : [],
      categories: rnd() < 0.5 ? ["Electronics", "Audio"] : ["Electronics", "Computers"],
      store: rnd() < 0.5 ? "Acme" : "Zeta",
      price: rnd() < 0.1 ? null : Math.round(rnd() * 500),
      averageRating: Math.round(rnd() * 40) / 10 + 1,
      ratingNumber: Math.floor(rnd() * 1000),
    };
  });
}

let t: TestDb;
let db: Database;
beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  await insertProducts(db, fixture(600));
});
afterAll(() => t.cleanup());

const quiet = { pause: async () => {} };

/** Every page of a query, following cursors (ids and the cursors seen). */
async function allPages(q: Omit<ProductQuery, "cursor">): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await listProducts(db, { ...q, cursor }, BM25_ONLY);
    out.push(...page.items.map((i) => i.id));
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error("cursor never ended");
}

/** The reference: every hit of q in (rank, rowid) order, kept by the filter. */
async function bruteForce(q: string, keep: (r: Record<string, unknown>) => boolean = () => true): Promise<string[]> {
  const rs = await db.$client.execute({
    sql: `SELECT p.parent_asin, p.store, p.price FROM (SELECT rowid, rank FROM products_fts WHERE products_fts MATCH ?) h
          JOIN products p ON p.id = h.rowid ORDER BY h.rank, h.rowid`,
    args: [toFtsQuery(q)],
  });
  return rs.rows.filter(keep).map((r) => String(r.parent_asin));
}

async function hits(q: string): Promise<number> {
  const rs = await db.$client.execute({
    sql: "SELECT count(*) AS n FROM products_fts WHERE products_fts MATCH ?",
    args: [toFtsQuery(q)],
  });
  return Number(rs.rows[0].n);
}

/** Queries to compare: words, as-you-type prefixes, a one-character token, and a two-word query (never a head). */
const QUERIES = [
  "wireless",
  "charging",
  "ch",
  "cha",
  "device",
  "dev",
  "a",
  "cable",
  "steel",
  "batteries",
  "wireless cable",
];

async function expectExact() {
  for (const q of QUERIES) {
    const all = await bruteForce(q);
    expect(
      (await listProducts(db, { q, limit: 20 }, BM25_ONLY)).items.map((i) => i.id),
      `${q} page 1`,
    ).toEqual(all.slice(0, 20));
    expect(await allPages({ q, limit: 7 }), `${q} all pages`).toEqual(all);
    expect(await allPages({ q, limit: 20, brand: "Acme" }), `${q} brand`).toEqual(
      await bruteForce(q, (r) => r.store === "Acme"),
    );
    expect(await allPages({ q, limit: 9, minPrice: 100, maxPrice: 120 }), `${q} narrow price`).toEqual(
      await bruteForce(q, (r) => r.price !== null && Number(r.price) >= 100 && Number(r.price) <= 120),
    );
  }
}

describe("search head lists", () => {
  it("the head form is exactly toFtsQuery's single-token output", () => {
    expect(isHeadForm(toFtsQuery("With")!)).toBe(true);
    expect(isHeadForm(toFtsQuery("a")!)).toBe(true);
    expect(isHeadForm(toFtsQuery("4k")!)).toBe(true);
    expect(isHeadForm(toFtsQuery("wireless cable")!)).toBe(false);
    expect(isHeadForm(`${toFtsQuery("cable")} AND category_terms : "c1"`)).toBe(false);
    const { ids, ranks } = decodeHeadList(encodeHeadList([3, 2 ** 40, 7], [-1.2345678901234567, -0.1, 1e-300]));
    expect([...ids]).toEqual([3, 2 ** 40, 7]);
    expect([...ranks]).toEqual([-1.2345678901234567, -0.1, 1e-300]);
  });

  it("live answers before any list exists are the brute force", async () => {
    expect(await loadHeadList(db, toFtsQuery("wireless")!)).toBeNull();
    await expectExact();
  });

  it("short lists (K = 30): page 1 from the list, later pages through the list's end and live beyond it", async () => {
    const report = await refreshSearchHeads(db, { minHits: 40, listLength: 30, ...quiet });
    expect(report.status).toBe("built");
    const wireless = await loadHeadList(db, toFtsQuery("wireless")!);
    expect(wireless).not.toBeNull();
    expect(wireless!.hits).toBe(await hits("wireless"));
    expect(wireless!.ids.length).toBe(30);
    expect(await loadHeadList(db, toFtsQuery("ch")!)).not.toBeNull(); // an as-you-type prefix
    expect(await loadHeadList(db, toFtsQuery("a")!)).not.toBeNull(); // one character, exact term
    expect(await loadHeadList(db, toFtsQuery("wireless cable")!)).toBeNull();
    // inflections stem alike ("batteri"): each typed form has its list, ranked once
    const batteries = await loadHeadList(db, toFtsQuery("batteries")!);
    const battery = await loadHeadList(db, toFtsQuery("battery")!);
    expect(batteries?.hits).toBe(await hits("battery"));
    expect([...battery!.ids]).toEqual([...batteries!.ids]);
    await expectExact();
  });

  it("complete lists (K ≥ hits) answer every window, filtered and unbounded, exactly", async () => {
    const report = await refreshSearchHeads(db, { minHits: 40, listLength: 1000, force: true, ...quiet });
    expect(report.status).toBe("built");
    const device = await loadHeadList(db, toFtsQuery("device")!);
    expect(device?.complete).toBe(true);
    expect(device?.ids.length).toBe(600);
    await expectExact();
  });

  it("lists of 450: the first filtered window of 400 comes from the list", async () => {
    await refreshSearchHeads(db, { minHits: 40, listLength: 450, force: true, ...quiet });
    const device = await loadHeadList(db, toFtsQuery("device")!);
    expect(device?.complete).toBe(false);
    await expectExact();
  });

  it("the list is what serves: a tampered list shows in the answer (so the tests above ran the head path)", async () => {
    await refreshSearchHeads(db, { minHits: 40, listLength: 50, force: true, ...quiet });
    const match = toFtsQuery("wireless")!;
    const list = (await loadHeadList(db, match))!;
    const swapped = [list.ids[1], list.ids[0], ...list.ids.slice(2)];
    await db.$client.execute({
      sql: "UPDATE search_head_lists SET list = ? WHERE match = ?",
      args: [encodeHeadList(swapped, list.ranks), match],
    });
    const ids = (await listProducts(db, { q: "wireless", limit: 3 }, BM25_ONLY)).items.map((i) => i.id);
    const truth = await bruteForce("wireless");
    expect(ids).toEqual([truth[1], truth[0], truth[2]]);
    await refreshSearchHeads(db, { minHits: 40, listLength: 50, force: true, ...quiet });
    expect((await listProducts(db, { q: "wireless", limit: 3 }, BM25_ONLY)).items.map((i) => i.id)).toEqual(
      truth.slice(0, 3),
    );
  });

  it("is idempotent: a second refresh does nothing, a forced one writes the same lists", async () => {
    const opts = { minHits: 40, listLength: 50, ...quiet };
    const snapshot = async () =>
      (
        await db.$client.execute("SELECT match, revision, hits, hex(list) AS l FROM search_head_lists ORDER BY match")
      ).rows.map((r) => ({ ...r }));
    const before = await snapshot();
    expect(before.length).toBeGreaterThan(5);
    const again = await refreshSearchHeads(db, opts);
    expect(again.status).toBe("current");
    expect(await snapshot()).toEqual(before);
    expect((await refreshSearchHeads(db, { ...opts, force: true })).status).toBe("built");
    expect(await snapshot()).toEqual(before);
  });

  it("a catalog write (insert, update, delete) makes the lists unused until refreshed; answers stay exact", async () => {
    const opts = { minHits: 40, listLength: 50, ...quiet };
    const match = toFtsQuery("wireless")!;
    const writes = [
      () =>
        insertProducts(db, [
          {
            parentAsin: "HNEW1",
            title: "wireless wireless wireless charging",
            features: ["wireless"],
            store: "Acme",
            price: 110,
          },
        ]),
      () => db.$client.execute("UPDATE products SET title = 'wireless wireless cable' WHERE parent_asin = 'H0005'"),
      () => db.$client.execute("DELETE FROM products WHERE parent_asin = 'H0001'"),
    ];
    for (const write of writes) {
      const { revision } = await catalogRevision(db);
      await write();
      const after = await catalogRevision(db);
      expect(after.revision).toBeGreaterThan(revision);
      expect(after.headsRevision).toBe(revision);
      expect(await loadHeadList(db, match)).toBeNull();
      await expectExact();
      expect((await refreshSearchHeads(db, opts)).status).toBe("built");
      expect(await loadHeadList(db, match)).not.toBeNull();
      await expectExact();
    }
    // the inserted product leads "wireless" now
    expect((await listProducts(db, { q: "wireless", limit: 1 }, BM25_ONLY)).items[0].id).toBe("HNEW1");
  }, 120_000); // ~10 s on an idle host; several catalog rebuilds, 40 s seen under a load of 20

  it("updates that change no indexed text keep the revision (ratings, prices)", async () => {
    const { revision } = await catalogRevision(db);
    await db.$client.execute(
      "UPDATE products SET price = 1, rating_number = rating_number + 1 WHERE parent_asin = 'H0002'",
    );
    await db.$client.execute("UPDATE products SET title = title WHERE parent_asin = 'H0003'");
    expect((await catalogRevision(db)).revision).toBe(revision);
  });

  it("a refresh that lost a race with a write writes nothing", async () => {
    const opts = { minHits: 40, listLength: 50 };
    let wrote = false;
    const report = await refreshSearchHeads(db, {
      ...opts,
      force: true,
      // the first pause happens mid-build (reads done in the read transaction): write a product then
      pause: async () => {
        if (wrote) return;
        wrote = true;
        await db.$client.execute("UPDATE products SET title = 'steel wireless' WHERE parent_asin = 'H0004'");
      },
    });
    expect(wrote).toBe(true);
    expect(report.status).toBe("superseded");
    expect(await loadHeadList(db, toFtsQuery("wireless")!)).toBeNull();
    await expectExact();
    expect((await refreshSearchHeads(db, opts)).status).toBe("built");
  });

  it("the background refresher builds at start and again once the revision held still", async () => {
    const logs: string[] = [];
    const refresher = startSearchHeadsRefresher(db, {
      minHits: 40,
      listLength: 50,
      intervalMs: 20,
      log: (m) => logs.push(m),
      ...quiet,
    });
    try {
      await new Promise((r) => setTimeout(r, 30));
      await refresher.idle();
      let state = await catalogRevision(db);
      expect(state.headsRevision).toBe(state.revision);
      await db.$client.execute("UPDATE products SET title = 'cable cable' WHERE parent_asin = 'H0006'");
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 20));
        await refresher.idle();
        state = await catalogRevision(db);
        if (state.headsRevision === state.revision) break;
      }
      expect(state.headsRevision).toBe(state.revision);
      expect(await loadHeadList(db, toFtsQuery("cable")!)).not.toBeNull();
    } finally {
      refresher.stop();
    }
    await expectExact();
  });
});

describe("search head lists on a single-connection (in-memory) database", () => {
  it("builds and serves: the build's transactions never overlap", async () => {
    const client = createClient({ url: ":memory:" });
    const mem = createDatabase(client);
    try {
      await runMigrations(mem);
      await insertProducts(mem, fixture(200));
      const report = await refreshSearchHeads(mem, { minHits: 20, listLength: 10, pause: async () => {} });
      expect(report.status).toBe("built");
      expect(report.expressions).toBeGreaterThan(0);
      expect(await loadHeadList(mem, toFtsQuery("wireless")!)).not.toBeNull();
      const page = await listProducts(mem, { q: "wireless", limit: 5 }, BM25_ONLY);
      const truth = await mem.$client.execute({
        sql: "SELECT p.parent_asin FROM products_fts JOIN products p ON p.id = products_fts.rowid WHERE products_fts MATCH ? ORDER BY rank, p.id LIMIT 5",
        args: [toFtsQuery("wireless")],
      });
      expect(page.items.map((i) => i.id)).toEqual(truth.rows.map((r) => String(r.parent_asin)));
    } finally {
      client.close();
    }
  });
});

describe("search head lists over HTTP", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
    await insertProducts(app.db, fixture(300));
    await refreshSearchHeads(app.db, { minHits: 40, listLength: 30, pause: async () => {} });
  });
  afterAll(() => app.cleanup());

  it("pages through a head search by cursor, and bad input is still a 4xx", async () => {
    expect(await loadHeadList(app.db, toFtsQuery("wireless")!)).not.toBeNull();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Response = await app.app.request(
        `/v1/products?q=wireless&limit=13${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.length).toBeGreaterThan(30);
    expect(new Set(seen).size).toBe(seen.length);

    const first = (await (await app.app.request("/v1/products?q=wireless&limit=5")).json()) as { nextCursor: string };
    const bad = await app.app.request(
      `/v1/products?q=wireless&limit=5&cursor=${encodeURIComponent(`${first.nextCursor.slice(0, -2)}xx`)}`,
    );
    expect(bad.status).toBe(400);
    const otherSort = await app.app.request(
      `/v1/products?q=wireless&sort=popularity&cursor=${encodeURIComponent(first.nextCursor)}`,
    );
    expect(otherSort.status).toBe(400);
    expect((await app.app.request("/v1/products?q=%22%2A")).status).toBe(400);
    expect((await app.app.request("/v1/products?q=wireless&limit=0")).status).toBe(400);
  });

  it("listProducts still rejects a query with no letters or digits", async () => {
    await expect(listProducts(app.db, { q: "***", limit: 5 }, BM25_ONLY)).rejects.toBeInstanceOf(InvalidInputError);
  });
});
