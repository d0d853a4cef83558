import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestApp, createTestApp } from "../helpers/app";
import { type TestUser, createUser, signUp } from "../helpers/auth";

let t: TestApp;
let admin: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  admin = await createUser(t, "admin");
  await signUp(t, { email: "under_score@example.test", name: "Under_Score" });
  await signUp(t, { email: "percent@example.test", name: "Fifty%Off" });
  await signUp(t, { email: "slash@example.test", name: "Back\\Slash" });
  await signUp(t, { email: "plain@example.test", name: "UnderXScore" });
});
afterAll(() => t.cleanup());

const search = async (q: string) => {
  const res = await t.app.request(`/v1/admin/users?q=${encodeURIComponent(q)}`, { headers: admin.headers });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { items?: { email: string }[]; users?: { email: string }[] };
  return (body.items ?? body.users ?? []).map((u) => u.email).sort();
};

describe("admin user search escapes LIKE wildcards", () => {
  it("admin user search matches _ % and \\ literally", async () => {
    expect(await search("r_s")).toEqual(["under_score@example.test"]);
    expect(await search("Under_")).toEqual(["under_score@example.test"]);
    expect(await search("50%")).toEqual([]);
    expect(await search("y%O")).toEqual(["percent@example.test"]);
    expect(await search("k\\S")).toEqual(["slash@example.test"]);
  });
});
