import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../helpers/api-client";
import { createKey } from "../helpers/auth";
import { createMarket, listDevice, type Market } from "../routes/v1/_fixtures";

/** Favorites through the typed client generated from /openapi.json (path enums, query, error bodies). */
describe("favorites through the generated client", () => {
  let t: Market;
  beforeAll(async () => {
    t = await createMarket();
  });
  afterAll(() => t.cleanup());

  it("happy path: favorite a product and a listing (201, then 200), list by type, remove", async () => {
    const buyer = apiClient(t, t.buyer.headers);
    const listing = await listDevice(t, t.seller);
    const product = { type: "product", id: "B0CAMERA01" } as const;
    const added = await buyer.PUT("/v1/favorites/{type}/{id}", { params: { path: product } });
    expect(added.response.status).toBe(201);
    expect(added.data).toEqual({ ...product, favorited: true });
    expect((await buyer.PUT("/v1/favorites/{type}/{id}", { params: { path: product } })).response.status).toBe(200);
    await buyer.PUT("/v1/favorites/{type}/{id}", { params: { path: { type: "listing", id: listing.id } } });

    const { data: listings } = await buyer.GET("/v1/favorites", { params: { query: { type: "listing" } } });
    expect(listings?.items.map((f) => [f.type, f.id, f.listing?.id])).toEqual([["listing", listing.id, listing.id]]);

    const removed = await buyer.DELETE("/v1/favorites/{type}/{id}", { params: { path: product } });
    expect(removed.data?.favorited).toBe(false);
  });

  it("errors: 404 not_found for an unknown product, 400 invalid_request with details for a bad limit", async () => {
    const buyer = apiClient(t, t.buyer.headers);
    const missing = await buyer.PUT("/v1/favorites/{type}/{id}", {
      params: { path: { type: "product", id: "B0NOTHERE0" } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error.code).toBe("not_found");

    const bad = await buyer.GET("/v1/favorites", { params: { query: { limit: 1000 } } });
    expect(bad.response.status).toBe(400);
    expect(bad.error?.error).toMatchObject({ code: "invalid_request", details: expect.any(Array) });
  });

  it("security: no credentials 401, an API key 403 session_required", async () => {
    const anonymous = await apiClient(t).GET("/v1/favorites");
    expect([anonymous.response.status, anonymous.error?.error.code]).toEqual([401, "unauthorized"]);
    const key = await createKey(t, t.buyer, ["catalog:read"]);
    const withKey = await apiClient(t, key.headers).GET("/v1/favorites");
    expect([withKey.response.status, withKey.error?.error.code]).toEqual([403, "session_required"]);
  });
});
