import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { components } from "../../src/client/schema";
import type { ErrorCodeOf } from "../../src/domain/error-codes";
import { createKey } from "../helpers/auth";
import { apiClient } from "../helpers/api-client";
import { createMarket, listDevice, type Market } from "../routes/v1/_fixtures";

/** The cart through the typed client generated from /openapi.json: the document must describe the real answers. */
describe("cart through the generated client", () => {
  let t: Market;
  beforeAll(async () => {
    t = await createMarket();
  });
  afterAll(() => t.cleanup());

  it("happy path: add (201, then 200 when already there), read with totals, remove", async () => {
    const buyer = apiClient(t, t.buyer.headers);
    const listing = await listDevice(t, t.seller, { price: { amountMinor: 1500, currency: "USD" } });
    const path = { listingId: listing.id };

    const added = await buyer.PUT("/v1/cart/items/{listingId}", { params: { path } });
    expect(added.response.status).toBe(201);
    expectTypeOf(added.data).toEqualTypeOf<components["schemas"]["Cart"] | undefined>();
    expect(added.data?.items.map((i) => i.listing.id)).toEqual([listing.id]);
    expect((await buyer.PUT("/v1/cart/items/{listingId}", { params: { path } })).response.status).toBe(200);

    const { data: cart } = await buyer.GET("/v1/cart");
    expect(cart?.totals).toEqual([{ amountMinor: 1500, currency: "USD" }]);
    expect(cart?.items[0]).toMatchObject({ available: true, reason: null });

    const { data: after } = await buyer.DELETE("/v1/cart/items/{listingId}", { params: { path } });
    expect(after?.items).toEqual([]);
  });

  it("errors: the documented codes of the status (404 not_found, 409 own_listing)", async () => {
    const seller = apiClient(t, t.seller.headers);
    const missing = await seller.PUT("/v1/cart/items/{listingId}", { params: { path: { listingId: "no-such" } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error.code).toBe("not_found");

    const own = await listDevice(t, t.seller);
    const conflict = await seller.PUT("/v1/cart/items/{listingId}", { params: { path: { listingId: own.id } } });
    expect(conflict.response.status).toBe(409);
    expect(conflict.error?.error).toMatchObject({ code: "own_listing", requestId: expect.any(String) });
  });

  it("security: no credentials 401, an API key 403 session_required (the cart needs a signed-in user)", async () => {
    const anonymous = await apiClient(t).GET("/v1/cart");
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error?.error.code).toBe("unauthorized");

    const key = await createKey(t, t.buyer, ["listings:read"]);
    const withKey = await apiClient(t, key.headers).GET("/v1/cart");
    expect(withKey.response.status).toBe(403);
    expect(withKey.error?.error.code).toBe("session_required");
    // The error's type is the document's: the error bodies of the statuses this operation declares, their codes
    // the code map's (src/domain/error-codes.ts) of those statuses.
    type Errors = components["schemas"];
    expectTypeOf(withKey.error).toEqualTypeOf<
      Errors["Error401"] | Errors["Error403"] | Errors["Error429"] | undefined
    >();
    expectTypeOf<NonNullable<typeof withKey.error>["error"]["code"]>().toEqualTypeOf<ErrorCodeOf<401 | 403 | 429>>();
  });
});
