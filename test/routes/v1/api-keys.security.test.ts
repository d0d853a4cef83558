import { afterAll, beforeAll } from "vitest";
import { createKey } from "../../helpers/auth";
import { runSecurityMatrix } from "../../helpers/security-matrix";
import { createMarket, type Market } from "./_fixtures";

let t: Market;
beforeAll(async () => {
  t = await createMarket();
});
afterAll(() => t.cleanup());

// Keys are managed with a session only: a key can never mint, list or revoke keys.
runSecurityMatrix("api keys", () => t, [
  {
    name: "GET /v1/api-keys",
    role: "buyer",
    ownerStatus: 200,
    keyScopes: [],
    request: async () => ({ method: "GET", path: "/v1/api-keys" }),
  },
  {
    name: "POST /v1/api-keys",
    role: "buyer",
    ownerStatus: 201,
    keyScopes: [],
    request: async () => ({ method: "POST", path: "/v1/api-keys", body: { name: "k", scopes: ["catalog:read"] } }),
  },
  {
    name: "DELETE /v1/api-keys/{id}",
    role: "buyer",
    ownerStatus: 200,
    foreign: true,
    keyScopes: [],
    request: async ({ t, owner }) => ({
      method: "DELETE",
      path: `/v1/api-keys/${(await createKey(t, owner, ["catalog:read"])).id}`,
    }),
  },
  {
    name: "POST /v1/api-keys/{id}/rotate",
    role: "buyer",
    ownerStatus: 201,
    foreign: true,
    keyScopes: [],
    request: async ({ t, owner }) => ({
      method: "POST",
      path: `/v1/api-keys/${(await createKey(t, owner, ["catalog:read"])).id}/rotate`,
    }),
  },
]);
