import { afterAll, beforeAll } from "vitest";
import { runSecurityMatrix } from "../../helpers/security-matrix";
import { type SelectionApp, selectionApp } from "../../recsys/selection/fixtures";

let t: SelectionApp;
beforeAll(async () => {
  t = await selectionApp();
});
afterAll(() => t.cleanup());

// Admin-only, session-only: no API key scope reaches the models of the marketplace.
runSecurityMatrix("admin models", () => t, [
  {
    name: "GET /v1/admin/models",
    role: "admin",
    ownerStatus: 200,
    wrongRole: "seller",
    keyScopes: [],
    request: async () => ({ method: "GET", path: "/v1/admin/models" }),
  },
  {
    name: "PUT /v1/admin/models/{model}/pin",
    role: "admin",
    ownerStatus: 200,
    wrongRole: "buyer",
    keyScopes: [],
    request: async ({ t }) => ({
      method: "PUT",
      path: "/v1/admin/models/ranker/pin",
      body: { version: (await (t as SelectionApp).registry.liveVersion("ranker")) ?? "", reason: "security check" },
    }),
  },
  {
    name: "POST /v1/admin/models/{model}/rollback",
    role: "admin",
    ownerStatus: 200,
    wrongRole: "seller",
    keyScopes: [],
    request: async ({ t }) => ({
      method: "POST",
      path: "/v1/admin/models/ranker/rollback",
      body: { version: (await (t as SelectionApp).registry.liveVersion("ranker")) ?? "", reason: "security check" },
    }),
  },
]);
