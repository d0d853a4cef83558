/**
 * The scheduler Worker's selection and re-embed jobs share the leases of the Node pods (run here on Node over
 * the real libSQL engine; the workerd suite runs the whole scheduler): while a pod holds `model-selection` the
 * Worker's job skips its turn and says who holds it; once it is free the job runs and hands the lease back.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LibsqlLeaseStore } from "../../src/adapters/lease/libsql";
import { loadConfig } from "../../src/config";
import { LEASES } from "../../src/ports/lease";
import { nullLogger } from "../../src/ports/logger";
import { underLease } from "../../workers/jobs/under-lease";
import { defaultJobs, type JobContext } from "../../workers/scheduler";
import { createTestDb, type TestDb } from "../helpers/app";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(() => t.cleanup());

const ctx = (): JobContext => ({
  db: t.db,
  config: loadConfig({ DATABASE_URL: t.url, NODE_ENV: "test" }),
  clock: Date.now,
  logger: nullLogger,
  cron: "*/5 * * * *",
  scheduledAt: Date.now(),
});

describe("scheduler Worker jobs under leases", () => {
  it("model-selection skips while a pod holds the lease, runs once it is released, and releases it after", async () => {
    const store = new LibsqlLeaseStore(t.db.$client);
    const pod = await store.acquire(LEASES.selection, "pod-a/1#abcd", 60_000);
    const job = defaultJobs.find((j) => j.name === "model-selection");
    if (!job) throw new Error("no model-selection job");
    expect(await job.run(ctx())).toEqual({
      skipped: "lease model-selection held by pod-a/1#abcd",
      heldBy: "pod-a/1#abcd",
    });
    await store.release(LEASES.selection, "pod-a/1#abcd", pod?.epoch ?? 0);
    const ran = await job.run(ctx());
    expect(ran).toMatchObject({ decisions: expect.any(Array) });
    const after = await store.current(LEASES.selection);
    expect(after).toMatchObject({ holder: expect.stringMatching(/^scheduler-worker#/), live: false });
    // The pod can take it at once.
    expect(await store.acquire(LEASES.selection, "pod-a/1#abcd", 60_000)).not.toBeNull();
  });

  it("releases the lease when the work throws, and the error reaches the run", async () => {
    await expect(
      underLease(ctx(), LEASES.reembed, 60_000, async () => {
        throw new Error("embedder down");
      }),
    ).rejects.toThrow("embedder down");
    expect(await new LibsqlLeaseStore(t.db.$client).current(LEASES.reembed)).toMatchObject({ live: false });
  });
});
