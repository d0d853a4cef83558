import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../../helpers/app";
import { createUser, json } from "../../helpers/auth";
import { runOpenRouteMatrix } from "../../helpers/open-route-matrix";
import { pid, postEvents, recsysApp, views } from "../../recsys/fixtures";

let t: TestApp;
beforeAll(async () => {
  t = await recsysApp();
});
afterAll(() => t.cleanup());

runOpenRouteMatrix("recommendations", () => t, [
  {
    name: "GET /v1/recommendations/session",
    method: "GET",
    path: "/v1/recommendations/session?limit=5",
    okStatus: 200,
    scope: "recommendations:read",
  },
  {
    name: "GET /v1/products/{id}/recommendations",
    method: "GET",
    path: `/v1/products/${pid(0, 1)}/recommendations?limit=5`,
    okStatus: 200,
    scope: "recommendations:read",
  },
]);

interface RecList {
  items: { productId: string }[];
}

describe("session recommendations: whose session", () => {
  it("answer from the session the caller presents, not from another user's activity", async () => {
    const [alice, bob] = await Promise.all([createUser(t), createUser(t)]);
    await postEvents(t, { ...alice.headers, "x-session-id": "alice-sess-01" }, views([pid(3, 1), pid(3, 2)], "as"));
    const a = await json<RecList>(
      await t.app.request("/v1/recommendations/session", {
        headers: { ...alice.headers, "x-session-id": "alice-sess-01" },
      }),
    );
    expect(a.items.length).toBeGreaterThan(0);
    // Bob in his own session: Alice's session-only signal (the next phone) does not reach him.
    const res = await t.app.request("/v1/recommendations/session", {
      headers: { ...bob.headers, "x-session-id": "bob-sess-0001" },
    });
    expect(res.status).toBe(200);
    const b = await json<RecList>(res);
    expect(b.items.map((i) => i.productId)).not.toEqual(a.items.map((i) => i.productId));
  });
});
