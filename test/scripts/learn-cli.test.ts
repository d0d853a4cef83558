/**
 * `npm run learn` as the Kubernetes CronJob runs it (scripts/learn.ts, a real process over a real libSQL
 * file): exit codes, one learner per deployment through the `learner` lease, runs killed earlier marked at
 * once under the lease, and SIGTERM (a Job's deadline) recorded as killed with the lease handed back.
 */
import { spawn, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LibsqlLeaseStore } from "../../src/adapters/lease/libsql";
import { LEARNER_RUN } from "../../src/ops/abandoned-runs.node";
import { learnerRunStats } from "../../src/ops/learner-runs";
import { LEASES } from "../../src/ports/lease";
import { insertProducts } from "../helpers/catalog-fixtures";
import { createTestDb, type TestDb } from "../helpers/app";
import { products } from "../recsys/fixtures";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(() => t.cleanup());

const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  DATABASE_URL: t.url,
  LOG_LEVEL: "silent",
  BETTER_AUTH_SECRET: "x".repeat(40),
  ...extra,
});
const learn = (args: string[], extra?: Record<string, string>) =>
  spawnSync(process.execPath, ["--import", "tsx", "scripts/learn.ts", ...args], {
    encoding: "utf8",
    env: env(extra),
    timeout: 120_000,
  });
const runs = async () =>
  (
    await t.db.$client.execute({
      sql: "SELECT id, status, detail FROM scheduler_runs WHERE cron = ? ORDER BY started_at",
      args: [LEARNER_RUN],
    })
  ).rows.map((r) => ({ id: String(r.id), status: String(r.status), detail: JSON.parse(String(r.detail)) }));

describe("npm run learn", () => {
  it("exits 0 after a run, records it ok and hands the learner lease back", async () => {
    const r = learn(["--no-reembed"]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ mode: "full", failed: false });
    expect((await runs()).map((x) => x.status)).toEqual(["ok"]);
    expect(await new LibsqlLeaseStore(t.db.$client).current(LEASES.learner)).toMatchObject({ live: false });
  }, 120_000);

  it("exits non-zero when the run cannot be done", () => {
    const r = learn(["--models", "no-such-model"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/unknown model\(s\) no-such-model/);
    expect(learn([], { PORT: "not-a-port" }).status).toBe(78);
  }, 120_000);

  it("does nothing (exit 0, says who) while another learner holds the lease; no run is recorded", async () => {
    await new LibsqlLeaseStore(t.db.$client).acquire(LEASES.learner, "pod-a/7#thread", 60_000);
    const r = learn(["--no-reembed"]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      skipped: "learner lease held by another process",
      heldBy: "pod-a/7#thread",
    });
    expect(await runs()).toEqual([]);
  }, 120_000);

  it("marks a run left running on another host killed at once (it no longer holds the lease)", async () => {
    const startedAt = Date.now() - 60_000; // recent: without the lease this would wait 24 h
    await t.db.$client.execute({
      sql: "INSERT INTO scheduler_runs (id, cron, scheduled_at, started_at, status, detail) VALUES ('evicted', ?, ?, ?, 'running', ?)",
      args: [LEARNER_RUN, startedAt, startedAt, JSON.stringify({ owner: { pid: 1, host: "learner-pod-gone" } })],
    });
    const r = learn(["--no-reembed"]);
    expect(r.status, r.stderr).toBe(0);
    const all = await runs();
    expect(all.find((x) => x.id === "evicted")).toMatchObject({
      status: "error",
      detail: { status: "failed", reason: expect.stringMatching(/learner-pod-gone no longer holds the learner lease/) },
    });
    const stats = await learnerRunStats(t.db.$client);
    const job = (status: string) => stats.groups.find((g) => g.runner === "job" && g.status === status)?.count;
    expect([job("ok"), job("failed"), job("killed")]).toEqual([1, 0, 1]);
  }, 120_000);

  describe("SIGTERM", () => {
    let server: Server;
    let requests = 0;
    beforeEach(async () => {
      // An embedding endpoint that never answers: the run waits in its re-embedding step until signalled.
      requests = 0;
      server = createServer(() => {
        requests++;
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    });
    afterEach(() => {
      server.closeAllConnections();
      server.close();
    });

    it("records the run killed, releases its leases and exits 143", async () => {
      await insertProducts(t.db, products().slice(0, 3));
      const port = (server.address() as AddressInfo).port;
      const child = spawn(process.execPath, ["--import", "tsx", "scripts/learn.ts"], {
        env: env({ HF_TOKEN: "hf_test", HF_EMBED_URL: `http://127.0.0.1:${port}` }),
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      const end = Date.now() + 60_000;
      while (requests === 0) {
        if (Date.now() > end) throw new Error(`no embedding request: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill("SIGTERM");
      expect(await exited, stderr).toBe(143);
      expect(await runs()).toMatchObject([
        { status: "error", detail: { status: "failed", reason: expect.stringMatching(/SIGTERM/) } },
      ]);
      expect(await new LibsqlLeaseStore(t.db.$client).current(LEASES.learner)).toMatchObject({ live: false });
      // It was re-embedding when stopped: that lease is handed back too.
      expect(await new LibsqlLeaseStore(t.db.$client).current(LEASES.reembed)).toMatchObject({ live: false });
    }, 120_000);
  });
});
