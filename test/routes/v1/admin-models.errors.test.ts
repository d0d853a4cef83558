import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, type TestUser } from "../../helpers/auth";
import { type SelectionApp, selectionApp } from "../../recsys/selection/fixtures";
import { errorCode, send } from "./_fixtures";

let t: SelectionApp;
let admin: TestUser;
beforeAll(async () => {
  t = await selectionApp();
  admin = await createUser(t, "admin");
});
afterAll(() => t.cleanup());

describe("admin models API: bad input", () => {
  it("rejects unknown models, unknown versions and malformed bodies with machine codes, never a 500", async () => {
    const bad = await send(t, "PUT", "/v1/admin/models/not-a-model/pin", admin.headers, { version: "v", reason: "r" });
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe("invalid_request");
    const unknown = await send(t, "PUT", "/v1/admin/models/ranker/pin", admin.headers, {
      version: "nope",
      reason: "r",
    });
    expect(unknown.status).toBe(404);
    expect(await errorCode(unknown)).toBe("version_not_found");
    for (const body of [{}, { version: "v" }, { version: "v", reason: "" }, { version: "v", reason: "r", extra: 1 }]) {
      expect((await send(t, "PUT", "/v1/admin/models/ranker/pin", admin.headers, body)).status).toBe(400);
    }
    const rb = await send(t, "POST", "/v1/admin/models/ranker/rollback", admin.headers, {
      version: "nope",
      reason: "r",
    });
    expect(rb.status).toBe(404);
    expect(await errorCode(rb)).toBe("version_not_found");
  });

  it("unpinning an unpinned model is a 404; rolling back with nothing older is a 409; the live version is untouched", async () => {
    const live = await t.registry.liveVersion("ranker");
    const unpin = await send(t, "DELETE", "/v1/admin/models/ranker/pin", admin.headers);
    expect(unpin.status).toBe(404);
    const rb = await send(t, "POST", "/v1/admin/models/ranker/rollback", admin.headers, { reason: "r" });
    expect(rb.status).toBe(409);
    expect(await errorCode(rb)).toBe("no_previous_version");
    expect(await t.registry.liveVersion("ranker")).toBe(live);
  });
});
