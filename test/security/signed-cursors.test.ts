import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cursorScope, encodeCursor, openCursor, sealCursor } from "../../src/domain/cursor";
import type { TestApp } from "../helpers/app";
import { json } from "../helpers/auth";
import { type FeedBody, recsysApp } from "../recsys/fixtures";

/**
 * Issue 17, finding 8: a hand-made feed cursor was accepted, and a search cursor reused with another query
 * answered 200 with an empty page, though the docs say both are 400 `invalid_cursor`. Cursors are now signed
 * (HMAC-SHA256, Web Crypto) and bound to what they page through.
 */
let t: TestApp;
beforeAll(async () => {
  t = await recsysApp();
});
afterAll(() => t.cleanup());

const get = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers });
const expectInvalidCursor = async (res: Response) => {
  expect(res.status, await res.clone().text()).toBe(400);
  expect((await json<{ error: { code: string } }>(res)).error.code).toBe("invalid_cursor");
};
/** One character of the cursor's inner part changed (the MAC left as it was). */
const tamper = (cursor: string) => {
  const i = Math.floor(cursor.indexOf(".") / 2);
  return cursor.slice(0, i) + (cursor[i] === "A" ? "B" : "A") + cursor.slice(i + 1);
};

describe("signed cursors (domain)", () => {
  it("round-trips under the same secret and scope; another secret, scope or altered MAC is invalid_cursor", async () => {
    const scope = cursorScope("products", { q: "phone", sort: "relevance" });
    const sealed = await sealCursor("secret-one-0123456789abcdef0123456789", scope, "abc");
    expect(await openCursor("secret-one-0123456789abcdef0123456789", scope, sealed)).toBe("abc");
    await expect(openCursor("secret-two-0123456789abcdef0123456789", scope, sealed)).rejects.toMatchObject({
      code: "invalid_cursor",
    });
    const other = cursorScope("products", { q: "camera", sort: "relevance" });
    await expect(openCursor("secret-one-0123456789abcdef0123456789", other, sealed)).rejects.toMatchObject({
      code: "invalid_cursor",
    });
    for (const bad of ["abc", "abc.", `${sealed.slice(0, -1)}x`, ".".repeat(44), ""])
      await expect(openCursor("secret-one-0123456789abcdef0123456789", scope, bad)).rejects.toMatchObject({
        code: "invalid_cursor",
      });
  });
});

describe("GET /v1/feed cursors are signed", () => {
  const me = { "x-session-id": "cursor-sess-0001" };
  it("happy path: the next page follows with the cursor the API gave", async () => {
    const first = await json<FeedBody>(await get("/v1/feed?limit=3", me));
    expect(first.nextCursor).toBeTruthy();
    const second = await get(`/v1/feed?limit=3&cursor=${encodeURIComponent(first.nextCursor as string)}`, me);
    expect(second.status).toBe(200);
    const page = await json<FeedBody>(second);
    expect(page.snapshotId).toBe(first.snapshotId);
    expect(page.items.map((i) => i.productId)).not.toEqual(first.items.map((i) => i.productId));
  });

  it("a hand-made cursor (right shape, real snapshot, no signature) is 400 invalid_cursor", async () => {
    const first = await json<FeedBody>(await get("/v1/feed?limit=3", me));
    await expectInvalidCursor(await get(`/v1/feed?cursor=${encodeCursor({ s: first.snapshotId, o: 1 })}`, me));
  });

  it("a tampered cursor is 400 invalid_cursor", async () => {
    const first = await json<FeedBody>(await get("/v1/feed?limit=3", me));
    await expectInvalidCursor(
      await get(`/v1/feed?cursor=${encodeURIComponent(tamper(first.nextCursor as string))}`, me),
    );
  });

  it("another caller's cursor is 400 invalid_cursor", async () => {
    const first = await json<FeedBody>(await get("/v1/feed?limit=3", me));
    const cursor = encodeURIComponent(first.nextCursor as string);
    await expectInvalidCursor(await get(`/v1/feed?cursor=${cursor}`, { "x-session-id": "cursor-sess-0002" }));
  });
});

describe("GET /v1/products cursors are bound to their query, filters and sort", () => {
  interface Page {
    items: { id: string }[];
    nextCursor: string | null;
  }
  const page = async (query: string): Promise<Page> => {
    const res = await get(`/v1/products?${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return json<Page>(res);
  };

  it("happy path: a search pages through every hit once with its own cursors", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const p: Page = await page(`q=headphones&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      seen.push(...p.items.map((i) => i.id));
      cursor = p.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(12);
    expect(new Set(seen).size).toBe(12);
  });

  it("a search cursor reused with another query, filter or sort is 400 invalid_cursor", async () => {
    const first = await page("q=headphones&limit=5");
    const cursor = encodeURIComponent(first.nextCursor as string);
    await expectInvalidCursor(await get(`/v1/products?q=laptops&limit=5&cursor=${cursor}`));
    await expectInvalidCursor(await get(`/v1/products?q=headphones&min_price=60&limit=5&cursor=${cursor}`));
    await expectInvalidCursor(await get(`/v1/products?q=headphones&sort=price_asc&limit=5&cursor=${cursor}`));
    await expectInvalidCursor(await get(`/v1/products?limit=5&cursor=${cursor}`));
    // Same query, another page size: still its query, still valid.
    expect((await get(`/v1/products?q=headphones&limit=3&cursor=${cursor}`)).status).toBe(200);
  });

  it("a tampered or hand-made search cursor is 400 invalid_cursor", async () => {
    const first = await page("q=headphones&limit=5");
    await expectInvalidCursor(
      await get(`/v1/products?q=headphones&limit=5&cursor=${encodeURIComponent(tamper(first.nextCursor as string))}`),
    );
    const handMade = encodeCursor({ s: "relevance", v: -100, id: 1 });
    await expectInvalidCursor(await get(`/v1/products?q=headphones&limit=5&cursor=${handMade}`));
  });
});
