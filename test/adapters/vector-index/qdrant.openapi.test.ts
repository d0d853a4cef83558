/**
 * The Qdrant adapter against a fake Qdrant that validates every request (and its own replies) against
 * Qdrant 1.19's OpenAPI document, so the adapter is checked against the published contract offline.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { QdrantVectorIndex } from "../../../src/adapters/vector-index/qdrant.js";
import { pointIdFor } from "../../../src/adapters/vector-index/point-id.js";
import { vectorIndexContract } from "../../ports/vector-index.contract.js";
import { freePort } from "../../helpers/redis.js";
import { startFakeQdrant, type FakeQdrant } from "./fake-qdrant.js";

let fake: FakeQdrant;
let seq = 0;

beforeAll(async () => {
  fake = await startFakeQdrant();
});
afterAll(async () => {
  await fake?.close();
});
afterEach(() => {
  // Every request the adapter sent, and every reply the fake gave, must match the OpenAPI document.
  expect(fake.violations).toEqual([]);
  expect(fake.unsupported).toEqual([]);
});

vectorIndexContract("qdrant (fake server validated against OpenAPI 1.19)", async () => ({
  index: new QdrantVectorIndex({ url: fake.url, prefix: `t${++seq}_items_`, batchSize: 128 }),
}));

describe("QdrantVectorIndex wire details", () => {
  it("uses a collection per version, payload indexes, an alias for live and the Query API", async () => {
    const index = new QdrantVectorIndex({ url: fake.url, prefix: "wire_" });
    const from = fake.calls.length;
    await index.ensureCollection("v1", { dimension: 2, distance: "cosine" });
    await index.upsert("v1", [
      { id: "a", vector: Float32Array.from([1, 0]), payload: { category: "c", available: true } },
    ]);
    await index.setLive("v1");
    await index.search(Float32Array.from([1, 0]), {
      k: 1,
      filter: { categories: ["c"], availableOnly: true, excludeIds: ["b"] },
    });
    const calls = fake.calls.slice(from);
    expect(calls).toContain("create_collection");
    expect(calls.filter((c) => c === "create_field_index")).toHaveLength(3);
    expect(calls).toContain("update_aliases");
    expect(calls).toContain("query_points");
    expect(calls).not.toContain("search_points");
  });

  it("derives stable RFC 4122 v5 UUIDs from item ids", async () => {
    const a = await pointIdFor("B0C7-XYZ");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await pointIdFor("B0C7-XYZ")).toBe(a);
    expect(await pointIdFor("B0C7-XYz")).not.toBe(a);
  });

  it("reports an unreachable server as unavailable", async () => {
    const index = new QdrantVectorIndex({ url: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2000 });
    await expect(index.listVersions()).rejects.toMatchObject({ name: "VectorIndexError", code: "unavailable" });
  });

  it("reports a rejected api key as unauthorized", async () => {
    const guarded = await startFakeQdrant({ apiKey: "right" });
    try {
      const index = new QdrantVectorIndex({ url: guarded.url, apiKey: "wrong" });
      await expect(index.listVersions()).rejects.toMatchObject({ code: "unauthorized" });
      const ok = new QdrantVectorIndex({ url: guarded.url, apiKey: "right" });
      expect(await ok.listVersions()).toEqual([]);
    } finally {
      await guarded.close();
    }
  });
});

describe("fake Qdrant validation (so the checks above can fail)", () => {
  afterEach(() => {
    fake.violations.length = 0; // these tests provoke violations on purpose
  });

  it("flags a misspelt field, a non-UUID point id and an undocumented path", async () => {
    await fetch(`${fake.url}/collections/x`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ vectors: { size: 2, distance: "Cosine" } }),
    });
    const query = await fetch(`${fake.url}/collections/x/points/query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: [1, 0], with_payloads: true }),
    });
    expect(query.status).toBe(400);
    const upsert = await fetch(`${fake.url}/collections/x/points?wait=true`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ points: [{ id: "item-1", vector: [1, 0] }] }),
    });
    expect(upsert.status).toBe(400);
    const search = await fetch(`${fake.url}/collections/x/points/search/legacy`, { method: "POST", body: "{}" });
    expect(search.status).toBe(404);
    expect(fake.violations.join("\n")).toMatch(/with_payloads/);
    expect(fake.violations.join("\n")).toMatch(/uuid/);
    expect(fake.violations.join("\n")).toMatch(/no such path/);
    await fetch(`${fake.url}/collections/x`, { method: "DELETE" });
  });

  it("flags duplicate values where the spec demands unique items, and bad query parameters", async () => {
    await fetch(`${fake.url}/collections/y`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ vectors: { size: 2, distance: "Dot" } }),
    });
    const res = await fetch(`${fake.url}/collections/y/points/query?timeout=0&bogus=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: [1, 0], filter: { must: [{ key: "category", match: { any: ["a", "a"] } }] } }),
    });
    expect(res.status).toBe(400);
    const all = fake.violations.join("\n");
    expect(all).toMatch(/query.timeout/);
    expect(all).toMatch(/"bogus" is not documented/);
    await fetch(`${fake.url}/collections/y`, { method: "DELETE" });
  });
});

describe("QdrantVectorIndex concurrency", () => {
  it("lets concurrent ensureCollection calls for the same version all succeed", async () => {
    const index = new QdrantVectorIndex({ url: fake.url, prefix: "race_" });
    await Promise.all([1, 2, 3].map(() => index.ensureCollection("v", { dimension: 3, distance: "dot" })));
    expect(await index.describe("v")).toEqual({ version: "v", dimension: 3, distance: "dot", count: 0 });
  });
});
