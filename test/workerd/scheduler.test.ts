import { createScheduledController, env } from "cloudflare:test";
import { createClient } from "@libsql/client/web";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "../../src/db/database";
import { loadConfig } from "../../src/config";
import { nullLogger } from "../../src/ports/logger";
import { toFtsQuery } from "../../src/services/catalog/fts-query";
import { listProducts, type ProductQuery } from "../../src/services/catalog/products";
import { loadHeadList, refreshSearchHeads } from "../../src/services/catalog/search-heads";
import { MemoryVectorIndex } from "../../src/adapters/vector-index/memory";
import { reEmbedJob } from "../../workers/jobs/re-embed";
import scheduler, { runJobs, type Job } from "../../workers/scheduler";

// Runs inside workerd: the scheduler Worker's handlers against the Node-side libSQL server.
const client = createClient({ url: env.DATABASE_URL, authToken: env.DATABASE_AUTH_TOKEN });
afterAll(() => client.close());

interface RunRow {
  id: string;
  cron: string;
  scheduled_at: number;
  started_at: number;
  finished_at: number | null;
  status: string;
  detail: string | null;
}

async function runsFor(cron: string, scheduledAt: number): Promise<RunRow[]> {
  const { rows } = await client.execute({
    sql: "SELECT * FROM scheduler_runs WHERE cron = ? AND scheduled_at = ?",
    args: [cron, scheduledAt],
  });
  return rows as unknown as RunRow[];
}

describe("scheduler Worker in workerd", () => {
  it("scheduled() records an ok run with per-job timing in scheduler_runs", async () => {
    const cron = "*/15 * * * *";
    const scheduledTime = Date.UTC(2026, 3, 1, 12, 15) + Math.floor(Math.random() * 1e6);
    await scheduler.scheduled(createScheduledController({ cron, scheduledTime }), env);

    const rows = await runsFor(cron, scheduledTime);
    expect(rows).toHaveLength(1);
    const run = rows[0];
    expect(run.status).toBe("ok");
    expect(run.finished_at).not.toBeNull();
    expect(Number(run.finished_at)).toBeGreaterThanOrEqual(Number(run.started_at));
    const detail = JSON.parse(String(run.detail)) as {
      jobs: { name: string; status: string; ms: number; result: Record<string, unknown> }[];
    };
    expect(detail.jobs.map((j) => j.name)).toEqual([
      "database-check",
      "search-head-lists",
      "model-artifacts-sweep",
      "model-rotation",
      "model-selection",
      "model-artifacts-prune",
      "model-event-backlog",
      "re-embed",
    ]);
    expect(detail.jobs.map((j) => j.status)).toEqual(["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"]);
    // No HF_TOKEN here and workerd cannot run the offline encoder: the job says it fell back, loudly.
    expect(detail.jobs.find((j) => j.name === "re-embed")?.result).toMatchObject({
      embedderKind: "hashing-fallback",
      degraded: true,
      embedder: "hashing-256",
      note: expect.stringMatching(/^DEGRADED: no HF_TOKEN/),
      index: expect.stringMatching(/^none/),
    });
    expect(detail.jobs[0]).toMatchObject({
      name: "database-check",
      status: "ok",
      result: { products: inject("fixtureCount") },
    });
    expect(typeof detail.jobs[0].ms).toBe("number");
    expect(detail.jobs[1]).toMatchObject({ name: "search-head-lists", status: "ok" });
    expect(["built", "current"]).toContain(detail.jobs[1].result.status);

    // the lists are now current for this revision: the next run has nothing to do
    const next = scheduledTime + 1;
    await scheduler.scheduled(createScheduledController({ cron, scheduledTime: next }), env);
    const again = JSON.parse(String((await runsFor(cron, next))[0].detail)) as {
      jobs: { name: string; result: Record<string, unknown> }[];
    };
    expect(again.jobs[1].result.status).toBe("current");
    // Every product has its vector now (this run or an earlier one in this database); nothing is embedded twice.
    expect(again.jobs.find((j) => j.name === "re-embed")?.result).toMatchObject({ embedded: 0, scanned: 0 });
    const stored = await client.execute("SELECT count(*) AS n FROM item_embeddings WHERE embedder = 'hashing-256'");
    expect(Number(stored.rows[0].n)).toBe(inject("fixtureCount"));
  });

  it("head lists built over Hrana serve the same pages as live search", async () => {
    const db = createDatabase(client);
    const queries = ["camera", "ca", "canon", "headphones", "c"];
    const pages = async (q: string, extra: Partial<ProductQuery> = {}) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listProducts(db, { q, limit: 1, ...extra, cursor });
        ids.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return ids;
    };
    const live = new Map<string, string[]>();
    for (const q of queries) live.set(q, [...(await pages(q)), ...(await pages(q, { brand: "Canon" }))]);
    const report = await refreshSearchHeads(db, { minHits: 2, listLength: 2, force: true, pause: async () => {} });
    expect(report.status).toBe("built");
    expect(await loadHeadList(db, toFtsQuery("camera")!)).not.toBeNull();
    for (const q of queries)
      expect([...(await pages(q)), ...(await pages(q, { brand: "Canon" }))], q).toEqual(live.get(q));
  });

  it("re-embed fills a content index (as Qdrant's) from stored vectors and points its live alias at it", async () => {
    const index = new MemoryVectorIndex();
    const deps = {
      config: loadConfig({ ...env }),
      db: createDatabase(client),
      clock: () => Date.UTC(2026, 3, 4),
      logger: nullLogger,
      newId: () => `sched-test-${crypto.randomUUID()}`,
    };
    const scheduledAt = Date.UTC(2026, 3, 4) + Math.floor(Math.random() * 1e6);
    const report = await runJobs(deps, { cron: "*/15 * * * *", scheduledAt }, [reEmbedJob({ index: () => index })]);
    expect(report.jobs[0]).toMatchObject({ status: "ok" });
    const result = report.jobs[0].result as { collection: string; swapped: boolean };
    expect(result.swapped).toBe(true);
    expect(await index.liveVersion()).toBe(result.collection);
    expect((await index.describe(result.collection))?.count).toBe(inject("fixtureCount"));
  });

  it("a failing job marks the run error, records its message and skips the jobs after it", async () => {
    let n = 0;
    const deps = {
      config: loadConfig({ ...env }),
      db: createDatabase(client),
      clock: () => Date.UTC(2026, 3, 2) + n * 1000,
      newId: () => `sched-test-${crypto.randomUUID()}-${++n}`,
      logger: nullLogger,
    };
    const jobs: Job[] = [
      { name: "first", run: async () => ({ done: true }) },
      {
        name: "boom",
        run: async () => {
          throw new Error("vector store unreachable");
        },
      },
      { name: "never", run: async () => ({ ran: true }) },
    ];
    const scheduledAt = Date.UTC(2026, 3, 2) + Math.floor(Math.random() * 1e6);
    const report = await runJobs(deps, { cron: "0 * * * *", scheduledAt }, jobs);
    expect(report.status).toBe("error");
    expect(report.jobs.map((j) => j.status)).toEqual(["ok", "error", "skipped"]);

    const [row] = await runsFor("0 * * * *", scheduledAt);
    expect(row.id).toBe(report.id);
    expect(row.status).toBe("error");
    const detail = JSON.parse(String(row.detail)) as { jobs: { name: string; status: string; error?: string }[] };
    expect(detail.jobs[1]).toMatchObject({ name: "boom", status: "error", error: "vector store unreachable" });
  });

  it("scheduled() with a bad DATABASE_URL rejects (the Cron Trigger shows a failure) and writes nothing", async () => {
    const scheduledTime = Date.UTC(2026, 3, 3) + Math.floor(Math.random() * 1e6);
    const run = scheduler.scheduled(createScheduledController({ cron: "*/15 * * * *", scheduledTime }), {
      ...env,
      DATABASE_URL: "file:x.db",
    });
    await expect(run).rejects.toThrow(/DATABASE_URL/);
    expect(await runsFor("*/15 * * * *", scheduledTime)).toHaveLength(0);
  });

  it("fetch() answers 404 so the scheduler is never mistaken for the API", async () => {
    const res = await scheduler.fetch(
      new Request("https://scheduler.test/v1/products") as Request<unknown, IncomingRequestCfProperties>,
      env,
    );
    expect(res.status).toBe(404);
    const body = await res.json<{ error: { code: string; requestId: string } }>();
    expect(body.error.code).toBe("not_found");
    expect(body.error.requestId).toMatch(/.+/);
  });
});
