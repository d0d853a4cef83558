import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Caller } from "../../../src/recsys/feed/feed-service";
import { NeutralProductRecs } from "../../../src/recsys/session/session-recs";
import type { TestApp } from "../../helpers/app";
import { NOW, pid, recsysApp, sid } from "../fixtures";

let t: TestApp;
beforeAll(async () => {
  t = await recsysApp();
  await t.db.$client.execute({
    sql: "INSERT INTO user (id, name, email, created_at, updated_at) VALUES ('seller-n', 'S', 'seller-n@x.test', ?, ?)",
    args: [NOW, NOW],
  });
}, 120_000);
afterAll(() => t.cleanup());

const anon = (n: string): Caller => ({ userId: null, sessionId: sid(n) });
const noFeedback = { negative: new Set<string>(), shownWithoutClick: new Map<string, number>() };

function setup(ttlMs = 60_000) {
  let now = NOW;
  const cache = new NeutralProductRecs(() => now, ttlMs);
  const { recsys } = t.deps;
  const product = recsys.models.catalog.indexOf.get(pid(0, 3))!;
  const ask = async (caller: Caller = anon("n1")) =>
    cache.recommend(recsys.feed, recsys.models, caller, product, await recsys.history(caller), 8, "req");
  return { cache, ask, advance: (ms: number) => (now += ms) };
}

async function listFor(productId: string, id: string, priceMinor: number): Promise<void> {
  await t.db.$client.execute({
    sql: `INSERT INTO listings (id, seller_id, parent_asin, condition, price_minor, currency, status, created_at, updated_at)
          VALUES (?, 'seller-n', ?, 'good', ?, 'USD', 'active', ?, ?)`,
    args: [id, productId, priceMinor, NOW, NOW],
  });
  await (t.deps.recsys.o.marketplace as { refreshListingCache?: () => Promise<void> }).refreshListingCache?.();
}

describe("NeutralProductRecs", () => {
  it("ranks a product once per TTL for visitors with nothing personal, and the same items come back", async () => {
    const { ask, advance } = setup(60_000);
    const first = await ask(anon("a1"));
    expect(first.cached).toBe(false);
    expect(first.items.length).toBeGreaterThan(0);
    const second = await ask(anon("a2"));
    expect(second.cached).toBe(true);
    expect(second.items.map((i) => i.productId)).toEqual(first.items.map((i) => i.productId));
    advance(60_001);
    expect((await ask(anon("a3"))).cached).toBe(false);
  });

  it("never shows a cached item's listing at an old price, nor a sold listing as available", async () => {
    const { ask } = setup(60_000);
    const first = await ask();
    const target = first.items[0]!.productId;
    await listFor(target, "L-neutral-1", 12_000);
    const listed = await ask();
    expect(listed.cached).toBe(true);
    expect(listed.items.find((i) => i.productId === target)?.listing).toMatchObject({ id: "L-neutral-1", price: 120 });

    await t.db.$client.execute("UPDATE listings SET price_minor = 9900 WHERE id = 'L-neutral-1'");
    const repriced = await ask();
    expect(repriced.cached).toBe(true);
    expect(repriced.items.find((i) => i.productId === target)?.listing?.price).toBe(99);

    await t.db.$client.execute("UPDATE listings SET status = 'sold' WHERE id = 'L-neutral-1'");
    const sold = await ask();
    expect(sold.cached).toBe(true);
    // The product's only listing is sold: it is dropped from the answer at once, whatever the cache holds.
    expect(sold.items.map((i) => i.productId)).not.toContain(target);
  });

  it("starts over when the serving models change", async () => {
    const { cache, ask } = setup(60_000);
    await ask();
    expect(cache.size).toBe(1);
    const { recsys } = t.deps;
    const other = { ...recsys.models, version: `${recsys.models.version}-next` };
    const product = recsys.models.catalog.indexOf.get(pid(0, 3))!;
    const caller = anon("m1");
    const res = await cache.recommend(recsys.feed, other, caller, product, await recsys.history(caller), 8, "r");
    expect(res.cached).toBe(false);
    expect(res.modelVersion).toBe(other.version);
  });

  it("counts only callers with nothing personal as neutral", async () => {
    const { recsys } = t.deps;
    const empty = await recsys.history(anon("x1"));
    expect(NeutralProductRecs.neutral(anon("x1"), empty, noFeedback)).toBe(true);
    expect(NeutralProductRecs.neutral({ userId: "u1", sessionId: sid("x1") }, empty, noFeedback)).toBe(false);
    expect(NeutralProductRecs.neutral(anon("x1"), { ...empty, items: [1] }, noFeedback)).toBe(false);
    expect(NeutralProductRecs.neutral(anon("x1"), { ...empty, negative: new Set([2]) }, noFeedback)).toBe(false);
    expect(NeutralProductRecs.neutral(anon("x1"), empty, { ...noFeedback, negative: new Set([pid(0, 4)]) })).toBe(
      false,
    );
    expect(
      NeutralProductRecs.neutral(anon("x1"), empty, { ...noFeedback, shownWithoutClick: new Map([[pid(0, 4), 5]]) }),
    ).toBe(false);
    expect(NeutralProductRecs.neutral(anon("x1"), { ...empty, unavailable: ["session_store"] }, noFeedback)).toBe(
      false,
    );
  });
});
