import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../../helpers/app";
import { createKey, createUser, json } from "../../helpers/auth";
import { pid, postEvents, recsysApp, sid, NOW } from "../../recsys/fixtures";

interface RecList {
  items: { productId: string; category: string; sources: string[]; reason: string }[];
  modelVersion: string;
  degraded: boolean;
  sources: { used: string[] };
}

let t: TestApp;
beforeAll(async () => {
  t = await recsysApp();
});
afterAll(() => t.cleanup());

const get = async (path: string, headers: Record<string, string>): Promise<RecList> => {
  const res = await t.app.request(path, { headers });
  expect(res.status).toBe(200);
  return json<RecList>(res);
};

describe("GET /v1/recommendations/session", () => {
  it("changes its answer after a new view", async () => {
    const h = { "x-session-id": sid(40) };
    expect((await get("/v1/recommendations/session", h)).items).toEqual([]);
    await postEvents(t, h, [{ id: "v1", type: "view", item_id: pid(0, 4), ts: NOW - 10_000 }]);
    const first = await get("/v1/recommendations/session", h);
    expect(first.items.length).toBeGreaterThan(0);
    expect(first.items[0].category).toBe("Headphones");
    expect(first.items.map((i) => i.productId)).toContain(pid(0, 5)); // what follows 4 in every session
    await postEvents(t, h, [{ id: "v2", type: "view", item_id: pid(1, 8), ts: NOW - 1000 }]);
    const second = await get("/v1/recommendations/session", h);
    expect(second.items.map((i) => i.productId)).not.toEqual(first.items.map((i) => i.productId));
    expect(second.items[0].category).toBe("Camera & Photo");
    expect(second.items.map((i) => i.productId)).toContain(pid(1, 9));
    expect(second.sources.used).toEqual(expect.arrayContaining(["session_knn", "covisitation"]));
  });

  it("accepts session_id as a query parameter and rejects a malformed one", async () => {
    await postEvents(t, { "x-session-id": sid(41) }, [{ id: "v1", type: "view", item_id: pid(2, 0) }]);
    expect((await get(`/v1/recommendations/session?session_id=${sid(41)}`, {})).items.length).toBeGreaterThan(0);
    expect((await t.app.request("/v1/recommendations/session?session_id=bad!")).status).toBe(400);
  });
});

describe("GET /v1/products/{id}/recommendations", () => {
  it("lives beside GET /v1/products/{id} without clashing", async () => {
    const detail = await t.app.request(`/v1/products/${pid(0, 1)}`);
    expect(detail.status).toBe(200);
    expect((await json<{ id: string }>(detail)).id).toBe(pid(0, 1));
    const recs = await get(`/v1/products/${pid(0, 1)}/recommendations`, {});
    expect(recs.items.length).toBeGreaterThan(0);
    expect(recs.items.map((i) => i.productId)).not.toContain(pid(0, 1));
    expect(recs.items.map((i) => i.productId)).toContain(pid(0, 2));
    expect((await t.app.request("/v1/products/NOPE/recommendations")).status).toBe(404);
    const openapi = await json<{ paths: Record<string, unknown> }>(await t.app.request("/openapi.json"));
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        "/v1/products/{id}/recommendations",
        "/v1/recommendations/session",
        "/v1/feed",
        "/v1/events",
      ]),
    );
  });

  it("uses the session as context: a new view changes the next answer", async () => {
    const h = { "x-session-id": sid(42) };
    const before = await get(`/v1/products/${pid(3, 0)}/recommendations?limit=20`, h);
    await postEvents(t, h, [
      { id: "c1", type: "view", item_id: pid(2, 6), ts: NOW - 2000 },
      { id: "c2", type: "view", item_id: pid(2, 7), ts: NOW - 1000 },
    ]);
    const after = await get(`/v1/products/${pid(3, 0)}/recommendations?limit=20`, h);
    expect(after.items.map((i) => i.productId)).not.toEqual(before.items.map((i) => i.productId));
    expect(after.items.some((i) => i.category === "Laptops")).toBe(true);
    expect(after.items[0].category).toBe("Cell Phones"); // the product still leads
  });

  it("needs recommendations:read for API keys", async () => {
    const owner = await createUser(t, "buyer");
    const key = await createKey(t, owner, ["events:write"]);
    expect((await t.app.request("/v1/feed", { headers: key.headers })).status).toBe(403);
    expect((await t.app.request("/v1/recommendations/session", { headers: key.headers })).status).toBe(403);
    const reader = await createKey(t, owner, ["recommendations:read", "catalog:read"]);
    expect((await t.app.request("/v1/feed", { headers: reader.headers })).status).toBe(200);
    expect((await t.app.request(`/v1/products/${pid(0, 1)}/recommendations`, { headers: reader.headers })).status).toBe(
      200,
    );
  });
});
