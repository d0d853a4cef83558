import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { user as userTable } from "../../src/db/schema/auth";
import { type TestApp, createTestApp } from "../helpers/app";
import { type TestUser, createUser, postJson } from "../helpers/auth";

let t: TestApp;
let admin: TestUser;
let buyer: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  admin = await createUser(t, "admin");
  buyer = await createUser(t, "buyer");
});
afterAll(() => t.cleanup());

const roleOf = async (id: string) =>
  (await t.db.select({ role: userTable.role }).from(userTable).where(eq(userTable.id, id)).get())?.role;

describe("one door for roles", () => {
  it("better-auth's admin routes that change users are not served (set-role, create-user, update-user, ban-user, ...)", async () => {
    const attempts: [string, unknown][] = [
      ["/api/auth/admin/set-role", { userId: admin.userId, role: "buyer" }],
      ["/api/auth/admin/set-role", { userId: buyer.userId, role: ["buyer", "admin"] }],
      ["/api/auth/admin/update-user", { userId: buyer.userId, data: { role: "admin" } }],
      [
        "/api/auth/admin/create-user",
        { email: "x@example.test", password: "Created-Pass-91", name: "x", role: "admin" },
      ],
      ["/api/auth/admin/ban-user", { userId: admin.userId }],
      ["/api/auth/admin/impersonate-user", { userId: buyer.userId }],
    ];
    for (const [path, body] of attempts) {
      const res = await postJson(t, path, body, admin.headers);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe("not_found");
    }
    expect(await roleOf(admin.userId)).toBe("admin");
    expect(await roleOf(buyer.userId)).toBe("buyer");
    // The /v1 door still refuses self-demotion.
    const self = await t.app.request(`/v1/admin/users/${admin.userId}/role`, {
      method: "PUT",
      headers: { ...admin.headers, "content-type": "application/json" },
      body: JSON.stringify({ role: "buyer" }),
    });
    expect(self.status).toBe(409);
  });

  it("roles are a closed set in the database (a role list or unknown role is refused on write)", async () => {
    for (const role of ["buyer,admin", "superuser", ""]) {
      await expect(t.db.update(userTable).set({ role }).where(eq(userTable.id, buyer.userId)), role).rejects.toThrow();
    }
    await expect(t.db.update(userTable).set({ role: null }).where(eq(userTable.id, buyer.userId))).rejects.toThrow();
    expect(await roleOf(buyer.userId)).toBe("buyer");
    await t.db.update(userTable).set({ role: "seller" }).where(eq(userTable.id, buyer.userId));
    expect(await roleOf(buyer.userId)).toBe("seller");
  });
});
