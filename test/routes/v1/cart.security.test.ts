import { afterAll, beforeAll } from "vitest";
import { createUser } from "../../helpers/auth";
import { runSecurityMatrix } from "../../helpers/security-matrix";
import { createMarket, listDevice, send, type Market } from "./_fixtures";

let t: Market;
beforeAll(async () => {
  t = await createMarket();
});
afterAll(() => t.cleanup());

// A cart has no id (it is always the caller's own), so there is no "foreign cart" request to make:
// another user's PUT/GET simply acts on their own cart (covered in cart.happy: carts are per user).
runSecurityMatrix("cart", () => t, [
  {
    name: "GET /v1/cart",
    role: "buyer",
    ownerStatus: 200,
    keyScopes: [],
    request: async () => ({ method: "GET", path: "/v1/cart" }),
  },
  {
    name: "PUT /v1/cart/items/{id}",
    role: "buyer",
    ownerStatus: 201,
    keyScopes: [],
    request: async ({ t }) => {
      const seller = await createUser(t, "seller");
      const l = await listDevice(t, seller);
      return { method: "PUT", path: `/v1/cart/items/${l.id}` };
    },
  },
  {
    name: "DELETE /v1/cart/items/{id}",
    role: "buyer",
    ownerStatus: 200,
    keyScopes: [],
    request: async ({ t, owner }) => {
      const l = await listDevice(t, await createUser(t, "seller"));
      await send(t, "PUT", `/v1/cart/items/${l.id}`, owner.headers);
      return { method: "DELETE", path: `/v1/cart/items/${l.id}` };
    },
  },
]);
