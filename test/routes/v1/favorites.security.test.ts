import { afterAll, beforeAll } from "vitest";
import { runSecurityMatrix } from "../../helpers/security-matrix";
import { createMarket, send, type Market } from "./_fixtures";

let t: Market;
beforeAll(async () => {
  t = await createMarket();
});
afterAll(() => t.cleanup());

// Favorites are addressed by target, always within the caller's own list: no foreign form exists.
runSecurityMatrix("favorites", () => t, [
  {
    name: "GET /v1/favorites",
    role: "buyer",
    ownerStatus: 200,
    keyScopes: [],
    request: async () => ({ method: "GET", path: "/v1/favorites" }),
  },
  {
    name: "PUT /v1/favorites/product/{id}",
    role: "buyer",
    ownerStatus: 201,
    keyScopes: [],
    request: async () => ({ method: "PUT", path: "/v1/favorites/product/B0PHONE001" }),
  },
  {
    name: "DELETE /v1/favorites/product/{id}",
    role: "buyer",
    ownerStatus: 200,
    keyScopes: [],
    request: async ({ t, owner }) => {
      await send(t, "PUT", "/v1/favorites/product/B0CAMERA01", owner.headers);
      return { method: "DELETE", path: "/v1/favorites/product/B0CAMERA01" };
    },
  },
]);
