import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../../helpers/app";
import { json } from "../../helpers/auth";
import { pid, recsysApp, sid } from "../../recsys/fixtures";

interface ErrorBody {
  error: { code: string; requestId: string };
}

let t: TestApp;
beforeAll(async () => {
  t = await recsysApp();
});
afterAll(() => t.cleanup());

const get = (path: string): Promise<Response> | Response =>
  t.app.request(path, { headers: { "x-session-id": sid(800) } });

describe("recommendation routes: bad input is a 4xx with a machine code", () => {
  it("an unknown product: 404 not_found", async () => {
    const res = await get("/v1/products/NO-SUCH-ITEM/recommendations");
    expect(res.status).toBe(404);
    expect((await json<ErrorBody>(res)).error.code).toBe("not_found");
  });

  it("a product id longer than any catalog id: 400, not a lookup", async () => {
    const res = await get(`/v1/products/${"X".repeat(41)}/recommendations`);
    expect(res.status).toBe(400);
    expect((await json<ErrorBody>(res)).error.code).toBe("invalid_request");
  });

  it("limit outside 1..50 and a malformed session_id, on both routes", async () => {
    for (const base of ["/v1/recommendations/session", `/v1/products/${pid(0, 1)}/recommendations`]) {
      for (const q of ["limit=0", "limit=51", "limit=x", "session_id=bad", `session_id=${"s".repeat(65)}`]) {
        const res = await get(`${base}?${q}`);
        expect(res.status, `${base}?${q}`).toBe(400);
        const body = await json<ErrorBody>(res);
        expect(body.error.code).toBe("invalid_request");
        expect(body.error.requestId).toBeTruthy();
      }
    }
  });

  it("methods other than GET are not routes", async () => {
    const res = await t.app.request("/v1/recommendations/session", {
      method: "POST",
      headers: { "x-session-id": sid(800) },
    });
    expect(res.status).toBe(404);
  });
});
