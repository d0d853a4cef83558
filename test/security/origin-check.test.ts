import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarket, listDevice, type Market, send } from "../routes/v1/_fixtures";

let t: Market;
beforeAll(async () => {
  t = await createMarket({ BETTER_AUTH_URL: "https://shop.example", AUTH_TRUSTED_ORIGINS: "https://app.example" });
});
afterAll(() => t.cleanup());

const cookie = () => ({ cookie: t.buyer.cookie });
const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe("cookie-authenticated writes on /v1 check Origin", () => {
  it("a cookie write from a foreign Origin is 403 origin_not_allowed and changes nothing", async () => {
    const listing = await listDevice(t, t.seller);
    const res = await send(t, "PUT", `/v1/cart/items/${listing.id}`, { ...cookie(), origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(await code(res)).toBe("origin_not_allowed");
    const checkout = await send(t, "POST", "/v1/checkout", {
      ...cookie(),
      origin: "https://evil.example",
      "idempotency-key": "evil-checkout-1",
    });
    expect(checkout.status).toBe(403);
    const cart = await send(t, "GET", "/v1/cart", cookie());
    expect(cart.status).toBe(200);
    expect(JSON.stringify(await cart.json())).not.toContain(listing.id);
  });

  it("cookie writes from BETTER_AUTH_URL's origin and AUTH_TRUSTED_ORIGINS pass", async () => {
    const a = await listDevice(t, t.seller);
    const b = await listDevice(t, t.seller);
    expect(
      (await send(t, "PUT", `/v1/cart/items/${a.id}`, { ...cookie(), origin: "https://shop.example" })).status,
    ).toBe(201);
    expect(
      (await send(t, "PUT", `/v1/cart/items/${b.id}`, { ...cookie(), origin: "https://app.example" })).status,
    ).toBe(201);
  });

  it("a cross-site cookie write without Origin (Sec-Fetch-Site: cross-site) is refused", async () => {
    const a = await listDevice(t, t.seller);
    const res = await send(t, "PUT", `/v1/cart/items/${a.id}`, { ...cookie(), "sec-fetch-site": "cross-site" });
    expect(res.status).toBe(403);
  });

  it("bearer and API-key writes are unaffected by Origin", async () => {
    const a = await listDevice(t, t.seller);
    const res = await send(t, "PUT", `/v1/cart/items/${a.id}`, { ...t.buyer.headers, origin: "https://evil.example" });
    expect(res.status).toBe(201);
    // Reads with a cookie are not state changes.
    expect((await send(t, "GET", "/v1/cart", { ...cookie(), origin: "https://evil.example" })).status).toBe(200);
  });
});
