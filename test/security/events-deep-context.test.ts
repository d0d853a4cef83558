import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../helpers/app";
import { json } from "../helpers/auth";
import { NOW, pid, recsysApp, sid } from "../recsys/fixtures";

let t: TestApp;
beforeAll(async () => {
  t = await recsysApp();
});
afterAll(() => t.cleanup());

/** `{"a":{"a":...}}` nested `depth` objects deep, built as text (no recursion anywhere). */
const nestedJson = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

describe("deeply nested event context", () => {
  it("a 4,100-level context is rejected alone (207 invalid_event), the batch's valid events are stored", async () => {
    const good = { id: "deep-ok-1", type: "view", item_id: pid(0, 1), ts: NOW - 1000 };
    const body = `{"events":[${JSON.stringify(good)},{"id":"deep-bad-1","type":"view","item_id":"${pid(0, 2)}","context":${nestedJson(4100)}}]}`;
    const res = await t.app.request("/v1/events", {
      method: "POST",
      headers: { "content-type": "application/json", "x-session-id": sid(950) },
      body,
    });
    expect(res.status).toBe(207);
    const b = await json<{
      accepted: string[];
      rejected: { index: number; id: string; code: string; message: string }[];
    }>(res);
    expect(b.accepted).toEqual(["deep-ok-1"]);
    expect(b.rejected).toHaveLength(1);
    expect(b.rejected[0]).toMatchObject({ index: 1, id: "deep-bad-1", code: "invalid_event" });
    expect(b.rejected[0].message).toContain("deeper than");
  });

  it("context depth bound: at the limit accepted, one deeper refused", async () => {
    // Imported after the app (fixtures) so the OpenAPI zod extension is installed first.
    const { MAX_CONTEXT_DEPTH, nestsDeeperThan } = await import("../../src/recsys/events/ingest");
    const at = JSON.parse(nestedJson(MAX_CONTEXT_DEPTH));
    const over = JSON.parse(nestedJson(MAX_CONTEXT_DEPTH + 1));
    expect(nestsDeeperThan(at, MAX_CONTEXT_DEPTH)).toBe(false);
    expect(nestsDeeperThan(over, MAX_CONTEXT_DEPTH)).toBe(true);
    expect(nestsDeeperThan(JSON.parse(`[${"[".repeat(100_000)}${"]".repeat(100_000)}]`), 3)).toBe(true);
  });
});
