import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarket, listDevice, type Market, send } from "../routes/v1/_fixtures";

let t: Market;
beforeAll(async () => {
  t = await createMarket();
});
afterAll(() => t.cleanup());

describe("checkout Idempotency-Key", () => {
  it("an Idempotency-Key reused with a different cart is 409 idempotency_key_reused; a plain retry replays", async () => {
    const a = await listDevice(t, t.seller);
    await send(t, "PUT", `/v1/cart/items/${a.id}`, t.buyer.headers);
    const key = { ...t.buyer.headers, "idempotency-key": "reuse-key-0001" };
    const first = await send(t, "POST", "/v1/checkout", key);
    expect(first.status).toBe(201);
    const order = (await first.json()) as { id: string };
    const retry = await send(t, "POST", "/v1/checkout", key);
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { id: string }).id).toBe(order.id);

    const b = await listDevice(t, t.seller);
    await send(t, "PUT", `/v1/cart/items/${b.id}`, t.buyer.headers);
    const reused = await send(t, "POST", "/v1/checkout", key);
    expect(reused.status).toBe(409);
    expect(((await reused.json()) as { error: { code: string } }).error.code).toBe("idempotency_key_reused");
    // The new cart is untouched and checks out under a new key.
    const fresh = await send(t, "POST", "/v1/checkout", { ...t.buyer.headers, "idempotency-key": "reuse-key-0002" });
    expect(fresh.status).toBe(201);
  });
});
