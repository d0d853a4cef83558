import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, json, type TestUser } from "../../helpers/auth";
import { contrarianRanker, type SelectionApp, selectionApp } from "../../recsys/selection/fixtures";
import { send } from "./_fixtures";

let t: SelectionApp;
let admin: TestUser;
beforeAll(async () => {
  t = await selectionApp();
  admin = await createUser(t, "admin");
});
afterAll(() => t.cleanup());

interface Overview {
  models: { model: string; live: { version: string } | null; pin: { version: string } | null; versions: unknown[] }[];
  experiments: { id: string; model: string; status: string; share: number; arms: Record<string, { ctr: unknown }> }[];
  decisions: { action: string; actor: string; fromVersion: string | null; toVersion: string | null }[];
}

describe("admin models API", () => {
  it("shows every serving model's live version, the running experiment with its numbers, and the decision log", async () => {
    await t.registry.register("ranker", contrarianRanker(), {});
    await t.cycle();
    const res = await send(t, "GET", "/v1/admin/models", admin.headers);
    expect(res.status).toBe(200);
    const body = await json<Overview>(res);
    expect(body.models.map((m) => m.model)).toEqual([
      "popularity",
      "covisitation",
      "session-knn",
      "fism-bpr",
      "ranker",
    ]);
    for (const m of body.models) expect(m.live?.version).toBeTruthy();
    expect(body.experiments[0]).toMatchObject({ model: "ranker", status: "running", share: 0.03 });
    expect(body.experiments[0].arms.challenger.ctr).toMatchObject({
      estimate: expect.any(Number),
      lo: expect.any(Number),
    });
    expect(body.decisions[0]).toMatchObject({ action: "experiment_started", actor: "selection" });
  });

  it("pins a version (ending the model's experiment), unpins, and rolls back by hand, each logged with the admin", async () => {
    const before = await t.registry.liveVersion("ranker");
    const versions = await t.registry.versions("ranker");
    const newest = versions[0].version;
    const pin = await send(t, "PUT", "/v1/admin/models/ranker/pin", admin.headers, {
      version: newest,
      reason: "try it",
    });
    expect(pin.status).toBe(200);
    expect(await json(pin)).toEqual({ model: "ranker", from: before, to: newest });
    expect(await t.registry.liveVersion("ranker")).toBe(newest);
    expect((await t.store.running()).filter((e) => e.model === "ranker")).toEqual([]);
    // A selection cycle leaves a pinned model alone.
    await t.cycle();
    expect(await t.registry.liveVersion("ranker")).toBe(newest);

    expect((await send(t, "DELETE", "/v1/admin/models/ranker/pin", admin.headers)).status).toBe(204);
    const back = await send(t, "POST", "/v1/admin/models/ranker/rollback", admin.headers, { reason: "worse CTR" });
    expect(back.status).toBe(200);
    expect(await json(back)).toEqual({ model: "ranker", from: newest, to: before });
    expect(await t.registry.liveVersion("ranker")).toBe(before);
    const log = (await json<Overview>(await send(t, "GET", "/v1/admin/models", admin.headers))).decisions;
    expect(log.slice(0, 3).map((d) => [d.action, d.actor])).toEqual([
      ["rolled_back", admin.userId],
      ["unpinned", admin.userId],
      ["pinned", admin.userId],
    ]);
  });
});
