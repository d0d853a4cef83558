import { afterAll, beforeAll } from "vitest";
import { createUser, json, type TestUser } from "../../helpers/auth";
import type { TestApp } from "../../helpers/app";
import { runSecurityMatrix } from "../../helpers/security-matrix";
import { createMarket, listDevice, send, type Market } from "./_fixtures";

let t: Market;
beforeAll(async () => {
  t = await createMarket();
});
afterAll(() => t.cleanup());

async function buy(t: TestApp, buyer: TestUser): Promise<string> {
  const l = await listDevice(t, await createUser(t, "seller"));
  await send(t, "PUT", `/v1/cart/items/${l.id}`, buyer.headers);
  const res = await send(t, "POST", "/v1/checkout", buyer.headers);
  return (await json<{ id: string }>(res)).id;
}

runSecurityMatrix("orders and checkout", () => t, [
  {
    name: "GET /v1/orders",
    role: "buyer",
    ownerStatus: 200,
    keyScopes: [],
    request: async () => ({ method: "GET", path: "/v1/orders" }),
  },
  {
    name: "GET /v1/orders?role=seller",
    role: "seller",
    ownerStatus: 200,
    keyScopes: [],
    request: async () => ({ method: "GET", path: "/v1/orders?role=seller" }),
  },
  {
    name: "GET /v1/orders/{id}",
    role: "buyer",
    ownerStatus: 200,
    foreign: true,
    keyScopes: [],
    request: async ({ t, owner }) => ({ method: "GET", path: `/v1/orders/${await buy(t, owner)}` }),
  },
  {
    name: "POST /v1/checkout",
    role: "buyer",
    ownerStatus: 201,
    keyScopes: [],
    request: async ({ t, owner }) => {
      const l = await listDevice(t, await createUser(t, "seller"));
      await send(t, "PUT", `/v1/cart/items/${l.id}`, owner.headers);
      return { method: "POST", path: "/v1/checkout" };
    },
  },
]);
