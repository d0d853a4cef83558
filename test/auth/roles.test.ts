import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiScopes, permissionsToScopes, roleCan, scopesToPermissions } from "../../src/auth/permissions";
import { createKey, json, signIn } from "../helpers/auth";
import { runSecurityMatrix } from "../helpers/security-matrix";
import { createMarket, errorCode, send, type Market } from "../routes/v1/_fixtures";

describe("permission matrix (docs/auth.md)", () => {
  it.each([
    ["buyer", { listing: ["create"] }, false],
    ["seller", { listing: ["create"] }, true],
    ["seller", { listing: ["update-any"] }, false],
    ["admin", { listing: ["update-any"] }, true],
    ["buyer", { order: ["create", "read-own"] }, true],
    ["buyer", { order: ["read-any"] }, false],
    ["seller", { user: ["list"] }, false],
    ["admin", { user: ["list", "set-role", "ban"] }, true],
    ["buyer", { catalog: ["read"] }, true],
    ["seller", { catalog: ["write"] }, false],
    ["nobody", { catalog: ["read"] }, false],
  ] as const)("%s may %j: %s", (role, req, expected) => {
    expect(roleCan(role, req as never)).toBe(expected);
  });

  it("scopes round-trip through better-auth permissions", () => {
    expect(permissionsToScopes(scopesToPermissions([...apiScopes]))).toEqual([...apiScopes]);
    expect(scopesToPermissions(["catalog:read", "events:write"])).toEqual({ catalog: ["read"], events: ["write"] });
    expect(permissionsToScopes({ catalog: ["write"] })).toEqual([]);
  });
});

describe("admin routes", () => {
  let t: Market;
  beforeAll(async () => {
    t = await createMarket();
  });
  afterAll(() => t.cleanup());

  runSecurityMatrix("admin users", () => t, [
    {
      name: "GET /v1/admin/users",
      role: "admin",
      ownerStatus: 200,
      wrongRole: "seller",
      keyScopes: [],
      request: async () => ({ method: "GET", path: "/v1/admin/users" }),
    },
  ]);

  it("lists users with role filter and search", async () => {
    const res = await json<{ items: { id: string; role: string }[] }>(
      await send(t, "GET", "/v1/admin/users?role=seller", t.admin.headers),
    );
    expect(res.items.length).toBeGreaterThanOrEqual(2);
    expect(res.items.every((u) => u.role === "seller")).toBe(true);
    const found = await json<{ items: { id: string }[] }>(
      await send(t, "GET", `/v1/admin/users?q=${encodeURIComponent(t.buyer.email)}`, t.admin.headers),
    );
    expect(found.items.map((u) => u.id)).toEqual([t.buyer.userId]);
  });

  it("promotes a buyer to seller: they can list at once", async () => {
    const payload = { productId: "B0PHONE001", condition: "good", price: { amountMinor: 100, currency: "USD" } };
    expect((await send(t, "POST", "/v1/listings", t.buyer.headers, payload)).status).toBe(403);
    const res = await send(t, "PUT", `/v1/admin/users/${t.buyer.userId}/role`, t.admin.headers, { role: "seller" });
    expect(res.status).toBe(200);
    expect((await json<{ role: string }>(res)).role).toBe("seller");
    expect((await send(t, "POST", "/v1/listings", t.buyer.headers, payload)).status).toBe(201);
    await send(t, "PUT", `/v1/admin/users/${t.buyer.userId}/role`, t.admin.headers, { role: "buyer" });
  });

  it("a ban revokes sessions, blocks sign-in and disables the user's API keys; unban restores sign-in", async () => {
    const victim = t.otherSeller;
    const key = await createKey(t, victim, ["catalog:read"]);
    const res = await send(t, "POST", `/v1/admin/users/${victim.userId}/ban`, t.admin.headers, { reason: "fraud" });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ banned: true, banReason: "fraud" });
    expect((await send(t, "GET", "/v1/cart", victim.headers)).status).toBe(401);
    expect((await send(t, "GET", "/v1/products", key.headers)).status).toBe(401);
    expect((await signIn(t, victim.email, victim.password)).status).toBe(403);
    expect((await send(t, "POST", `/v1/admin/users/${victim.userId}/unban`, t.admin.headers)).status).toBe(200);
    expect((await signIn(t, victim.email, victim.password)).status).toBe(200);
  });

  it("admins cannot demote or ban themselves (409); unknown users are 404; bad roles 400", async () => {
    expect(
      await errorCode(
        await send(t, "PUT", `/v1/admin/users/${t.admin.userId}/role`, t.admin.headers, { role: "buyer" }),
      ),
    ).toBe("cannot_modify_self");
    expect(await errorCode(await send(t, "POST", `/v1/admin/users/${t.admin.userId}/ban`, t.admin.headers, {}))).toBe(
      "cannot_modify_self",
    );
    expect((await send(t, "PUT", "/v1/admin/users/nope/role", t.admin.headers, { role: "seller" })).status).toBe(404);
    expect(
      (await send(t, "PUT", `/v1/admin/users/${t.buyer.userId}/role`, t.admin.headers, { role: "superuser" })).status,
    ).toBe(400);
  });

  it("better-auth's admin endpoints enforce the same roles", async () => {
    expect((await t.app.request("/api/auth/admin/list-users", { headers: t.seller.headers })).status).toBe(403);
    expect((await t.app.request("/api/auth/admin/list-users", { headers: t.admin.headers })).status).toBe(200);
  });
});
