import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../../helpers/app";
import { createUser, json, type TestUser } from "../../helpers/auth";
import { listDevice } from "./_fixtures";
import { pid, postEvents, recsysApp, sid, views, NOW, type FeedBody } from "../../recsys/fixtures";

let t: TestApp;
let seller: TestUser;
beforeAll(async () => {
  t = await recsysApp();
  seller = await createUser(t, "seller");
});
afterAll(() => t.cleanup());

const feedIds = async (headers: Record<string, string>): Promise<FeedBody> => {
  const res = await t.app.request("/v1/feed?limit=50", { headers });
  expect(res.status).toBe(200);
  return json<FeedBody>(res);
};

describe("GET /v1/feed filters", () => {
  it("never shows a product whose listings are all sold, and shows the best active listing of the others", async () => {
    const history = [pid(0, 1), pid(0, 2)];
    await postEvents(t, { "x-session-id": sid(10) }, views(history, "s"));
    const before = await feedIds({ "x-session-id": sid(10) });
    const target = before.items.find((i) => i.category === "Headphones")?.productId;
    expect(target).toBeDefined();
    const sold = await listDevice(t, seller, { productId: target, condition: "good" });
    await t.db.$client.execute({ sql: "UPDATE listings SET status = 'sold' WHERE id = ?", args: [sold.id] });
    const other = before.items.find((i) => i.productId !== target)!.productId;
    const active = await listDevice(t, seller, {
      productId: other,
      condition: "like_new",
      price: { amountMinor: 12_345, currency: "USD" },
    });
    await postEvents(t, { "x-session-id": sid(11) }, views(history, "s"));
    const after = await feedIds({ "x-session-id": sid(11) });
    expect(after.items.map((i) => i.productId)).not.toContain(target);
    expect(after.filtered.unavailable).toBeGreaterThanOrEqual(1);
    const withListing = after.items.find((i) => i.productId === other);
    expect(withListing?.listing?.id).toBe(active.id);
  });

  it("never shows the caller's own listings or items marked not interested / hidden", async () => {
    const me = await createUser(t, "seller");
    const own = pid(1, 3);
    await listDevice(t, me, { productId: own });
    const res = await postEvents(t, me.headers, [
      ...views([pid(1, 1), pid(1, 2)], "m"),
      { id: "m-ni", type: "not_interested", item_id: pid(1, 4), ts: NOW - 1000 },
      { id: "m-hide", type: "hide", item_id: pid(1, 5), ts: NOW - 500 },
    ]);
    expect(res.status).toBe(200);
    const f = await feedIds(me.headers);
    const ids = f.items.map((i) => i.productId);
    expect(ids).not.toContain(own);
    expect(ids).not.toContain(pid(1, 4));
    expect(ids).not.toContain(pid(1, 5));
    // Control: the same views without the exclusions do bring those items up.
    await postEvents(t, { "x-session-id": sid(12) }, views([pid(1, 1), pid(1, 2)], "m"));
    const control = (await feedIds({ "x-session-id": sid(12) })).items.map((i) => i.productId);
    expect(control).toEqual(expect.arrayContaining([own, pid(1, 4), pid(1, 5)]));
    // Camera items still lead: the negative signals did not erase the interest.
    expect(f.items.slice(0, 5).some((i) => i.category === "Camera & Photo")).toBe(true);
  });

  it("never shows items the user already bought (purchase events)", async () => {
    const buyer = await createUser(t, "buyer");
    await postEvents(t, buyer.headers, [
      ...views([pid(3, 1)], "b"),
      { id: "b-p", type: "purchase", item_id: pid(3, 2), ts: NOW - 100 },
    ]);
    const ids = (await feedIds(buyer.headers)).items.map((i) => i.productId);
    expect(ids).not.toContain(pid(3, 2));
    expect(ids).not.toContain(pid(3, 1));
  });
});
