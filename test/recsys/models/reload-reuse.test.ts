import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../../helpers/app";
import { Recsys } from "../../../src/recsys/recsys";
import type { ModelRegistry } from "../../../src/ports/model-registry";
import { catalogLoadedThrough, loadCatalog, loadCatalogRows } from "../../../src/recsys/catalog-loader";
import { sameItems } from "../../../src/recsys/models/bootstrap";
import { ItemCatalog } from "../../../src/recsys/catalog";
import { LibsqlArtifactRegistry } from "../../../src/adapters/model-registry/libsql";
import { recsysApp } from "../fixtures";

let t: TestApp;
let recsys: Recsys;
/** The database's registry (as the Node server's): chunks with checksums that a test can damage. */
let inner: LibsqlArtifactRegistry;
/** Artifacts read through the registry (live / load), by model: what a reload decoded. */
const reads: string[] = [];

beforeAll(async () => {
  t = await recsysApp();
  inner = new LibsqlArtifactRegistry(t.db.$client);
  const counted: ModelRegistry = {
    load: (m, v) => {
      reads.push(m);
      return inner.load(m, v);
    },
    live: (m) => {
      reads.push(m);
      return inner.live(m);
    },
    versions: (m, limit) => inner.versions(m, limit),
    models: () => inner.models(),
    livePointer: (m) => inner.livePointer(m),
    liveVersion: (m) => inner.liveVersion(m),
    setLive: (m, v, reason) => inner.setLive(m, v, reason),
    register: (m, a, metrics, o) => inner.register(m, a, metrics, o),
    annotate: (m, v, metrics) => inner.annotate(m, v, metrics),
  };
  recsys = new Recsys({ ...t.deps.recsys.o, registry: counted, retiredVectorGraceMs: 0 });
  await recsys.start(t.db, { trainMissing: true, seed: 7 });
});
afterAll(() => t.cleanup());

async function rotate(model: string, version: string): Promise<void> {
  const live = await inner.live(model);
  if (!live) throw new Error(`no live ${model}`);
  await inner.register(model, { ...live.artifact, version }, live.metrics, { live: true });
}

describe("reload: models whose live version did not move are taken over as built", () => {
  it("a popularity refresh reads popularity only; co-visitation, session kNN, vectors and ranker are the same objects", async () => {
    const before = recsys.models;
    const published = await t.deps.vectors.listVersions();
    await rotate("popularity", "popularity-reuse-1");
    reads.length = 0;
    const r = await recsys.reloadIfChanged();
    expect(r.reloaded).toBe(true);
    expect(reads).toEqual(["popularity"]);
    const after = recsys.models;
    expect(after).not.toBe(before);
    expect(after.components.popularity).toBe("popularity-reuse-1");
    expect(after.covis).toBe(before.covis);
    expect(after.sknn).toBe(before.sknn);
    expect(after.vectors).toBe(before.vectors);
    expect(after.ranker).toBe(before.ranker);
    // Rebuilt over the freshly read catalog, not shared with the replaced set.
    expect(after.catalog).not.toBe(before.catalog);
    expect(after.trending).not.toBe(before.trending);
    expect(after.components.covisitation).toBe(before.components.covisitation);
    expect(after.components.vectors).toBe(before.components.vectors);
    expect(await t.deps.vectors.listVersions()).toEqual(published);
    expect(recsys.servedVersions.popularity).toBe("popularity-reuse-1");
  });

  it("the model that moved is rebuilt from its artifact, the others still reused", async () => {
    const before = recsys.models;
    await rotate("covisitation", "covisitation-reuse-1");
    reads.length = 0;
    expect((await recsys.reloadIfChanged()).reloaded).toBe(true);
    expect(reads.sort()).toEqual(["covisitation", "popularity"]);
    expect(recsys.models.covis).not.toBe(before.covis);
    expect(recsys.models.sknn).toBe(before.sknn);
    expect(recsys.models.components.covisitation).toBe("covisitation-reuse-1");
  });

  it("a corrupt artifact of the moved model fails the reload as before: the served set stays, nothing reused hides it", async () => {
    const kept = recsys.models;
    await rotate("session-knn", "session-knn-corrupt-1");
    await t.db.$client.execute(
      "UPDATE model_artifact_chunks SET bytes = zeroblob(length(bytes)) WHERE model = 'session-knn' AND version = 'session-knn-corrupt-1'",
    );
    await expect(recsys.reloadIfChanged()).rejects.toThrow(/checksum/);
    expect(recsys.models).toBe(kept);
    expect(recsys.servedVersions["session-knn"]).not.toBe("session-knn-corrupt-1");
    // Rolled back by hand to the version still served: the next poll has nothing to do.
    const previous = (await inner.versions("session-knn", 10)).find((v) => v.version !== "session-knn-corrupt-1");
    if (!previous) throw new Error("no previous session-knn version");
    await inner.setLive("session-knn", previous.version, "test rollback");
    expect(previous.version).toBe(recsys.servedVersions["session-knn"]);
    expect((await recsys.reloadIfChanged()).reloaded).toBe(false);
    expect(recsys.models).toBe(kept);
  });

  it("a catalog with other items rebuilds every model over it (nothing built over the old indices is kept)", async () => {
    const before = recsys.models;
    const now = Date.now();
    await t.db.$client.execute({
      sql: "INSERT INTO products (parent_asin, title, main_category, created_at, updated_at) VALUES ('RELOAD-NEW-1', 'Reload item', 'Electronics', ?, ?)",
      args: [now, now],
    });
    await rotate("popularity", "popularity-reuse-2");
    expect((await recsys.reloadIfChanged()).reloaded).toBe(true);
    const after = recsys.models;
    expect(after.catalog.indexOf.has("RELOAD-NEW-1")).toBe(true);
    expect(after.covis).not.toBe(before.covis);
    expect(after.sknn).not.toBe(before.sknn);
    expect(after.vectors).not.toBe(before.vectors);
    expect(after.vectors?.known.length).toBe(after.catalog.size);
  });
});

describe("catalog reads for a reload", () => {
  it("pause runs between pages (the serving thread gets the event loop back), never after the last one", async () => {
    let pauses = 0;
    const all = await loadCatalogRows(t.db, 0, 20_000);
    const paged = await loadCatalogRows(t.db, 0, 7, async () => void pauses++);
    expect(paged.rows.map((r) => r.id)).toEqual(all.rows.map((r) => r.id));
    expect(pauses).toBe(Math.floor(all.rows.length / 7));
  });

  it("a loaded catalog remembers the last row it read, so cold start reads only what came after", async () => {
    const catalog = await loadCatalog(t.db);
    const { lastRowId } = await loadCatalogRows(t.db, 0);
    expect(catalogLoadedThrough(catalog)).toBe(lastRowId);
    expect(catalogLoadedThrough(new ItemCatalog([]))).toBeUndefined();
  });

  it("sameItems: same ids in the same order only", async () => {
    const row = (id: string) => ({
      id,
      title: id,
      categoryPath: null,
      price: null,
      rating: null,
      ratingCount: 0,
      createdAt: 0,
      boughtTogether: null,
    });
    const a = new ItemCatalog([row("a"), row("b")]);
    expect(sameItems(a, new ItemCatalog([row("a"), row("b")]))).toBe(true);
    expect(sameItems(a, new ItemCatalog([row("b"), row("a")]))).toBe(false);
    expect(sameItems(a, new ItemCatalog([row("a")]))).toBe(false);
  });
});
