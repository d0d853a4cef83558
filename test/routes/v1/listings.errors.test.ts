import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "../../helpers/auth";
import { createMarket, errorCode, listDevice, send, type Market } from "./_fixtures";

const valid = { productId: "B0PHONE001", condition: "good", price: { amountMinor: 1000, currency: "USD" } };

describe("listings: bad input is a 4xx with the common body, never a 500", () => {
  let t: Market;
  beforeAll(async () => {
    t = await createMarket({ MAX_BODY_BYTES: "4096" });
  });
  afterAll(() => t.cleanup());

  const bad: [string, unknown, number, string][] = [
    ["unknown product", { ...valid, productId: "NOPE" }, 422, "unknown_product"],
    ["http photo", { ...valid, photos: ["http://img.example/a.jpg"] }, 400, "invalid_request"],
    [
      "11 photos",
      { ...valid, photos: Array.from({ length: 11 }, (_, i) => `https://img.example/${i}.jpg`) },
      400,
      "invalid_request",
    ],
    ["unknown field", { ...valid, sellerId: "someone-else" }, 400, "invalid_request"],
    ["price as string", { ...valid, price: { amountMinor: "1000", currency: "USD" } }, 400, "invalid_request"],
    ["fractional minor units", { ...valid, price: { amountMinor: 10.5, currency: "USD" } }, 400, "invalid_request"],
    ["negative price", { ...valid, price: { amountMinor: -1, currency: "USD" } }, 400, "invalid_request"],
    ["lower-case currency", { ...valid, price: { amountMinor: 1, currency: "usd" } }, 400, "invalid_request"],
    ["unknown currency", { ...valid, price: { amountMinor: 1, currency: "XYZ" } }, 400, "invalid_request"],
    ["unknown condition", { ...valid, condition: "mint" }, 400, "invalid_request"],
    ["array body", [valid], 400, "invalid_request"],
    ["null body", null, 400, "invalid_request"],
  ];
  for (const [name, body, status, code] of bad) {
    it(`POST /v1/listings with ${name}: ${status} ${code}`, async () => {
      const res = await send(t, "POST", "/v1/listings", t.seller.headers, body);
      expect(res.status).toBe(status);
      const b = await json<{ error: { code: string; requestId: string } }>(res);
      expect(b.error.code).toBe(code);
      expect(b.error.requestId).toBeTruthy();
    });
  }

  it("malformed JSON: 400", async () => {
    const res = await t.app.request("/v1/listings", {
      method: "POST",
      headers: { ...t.seller.headers, "content-type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBeTruthy();
  });

  it("oversize body: 413 payload_too_large", async () => {
    const res = await send(t, "POST", "/v1/listings", t.seller.headers, { ...valid, description: "x".repeat(5000) });
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe("payload_too_large");
  });

  it("illegal transitions are 409 invalid_transition", async () => {
    const l = await listDevice(t, t.seller);
    expect(await errorCode(await send(t, "PATCH", `/v1/listings/${l.id}`, t.seller.headers, { status: "sold" }))).toBe(
      "invalid_transition",
    ); // active → sold only via checkout
    await send(t, "PATCH", `/v1/listings/${l.id}`, t.seller.headers, { status: "withdrawn" });
    const res = await send(t, "PATCH", `/v1/listings/${l.id}`, t.seller.headers, { status: "active" });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe("invalid_transition");
    const edit = await send(t, "PATCH", `/v1/listings/${l.id}`, t.seller.headers, { description: "again" });
    expect(edit.status).toBe(409);
  });

  it("empty patch and unknown status are 400", async () => {
    const l = await listDevice(t, t.seller);
    expect((await send(t, "PATCH", `/v1/listings/${l.id}`, t.seller.headers, {})).status).toBe(400);
    expect((await send(t, "PATCH", `/v1/listings/${l.id}`, t.seller.headers, { status: "gone" })).status).toBe(400);
  });

  it("unknown listing: 404", async () => {
    expect((await send(t, "GET", "/v1/listings/does-not-exist", {})).status).toBe(404);
    expect(
      (await send(t, "PATCH", "/v1/listings/does-not-exist", t.seller.headers, { status: "reserved" })).status,
    ).toBe(404);
  });

  it("query errors: bad cursor, min>max, bad condition, limit out of range", async () => {
    for (const q of [
      "cursor=garbage",
      "min_price=10&max_price=1",
      "condition=mint",
      "limit=0",
      "limit=1000",
      "sort=random",
      "min_price=-5",
    ]) {
      const res = await send(t, "GET", `/v1/listings?${q}`, {});
      expect(res.status, q).toBe(400);
      expect((await json<{ error: { code: string } }>(res)).error.code).toMatch(/invalid_request|invalid_cursor/);
    }
  });
});
