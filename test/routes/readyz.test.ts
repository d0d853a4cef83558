import { afterEach, describe, expect, it } from "vitest";
import { READINESS_TIMEOUT_MS } from "../../src/routes/readyz";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp | undefined;
afterEach(() => t?.cleanup());

interface Readiness {
  status: string;
  code?: string;
  down: string[];
  checks: Record<string, { ok: boolean; latencyMs: number; code?: string }>;
}
/** A test app whose serving models count as loaded (training them is another suite's work) unless told. */
async function app(modelsLoaded = true): Promise<TestApp> {
  t = await createTestApp();
  if (modelsLoaded) Object.defineProperty(t.deps.recsys, "ready", { get: () => true });
  return t;
}
async function readyz(modelsLoaded = true) {
  t = await app(modelsLoaded);
  const res = await t.app.request("/readyz");
  return { res, body: (await res.json()) as Readiness };
}

describe("GET /readyz", () => {
  it("200 when the database, models, session store and vector index all answer", async () => {
    const { res, body } = await readyz();
    expect(res.status).toBe(200);
    expect(body.status).toBe("ready");
    expect(body.down).toEqual([]);
    expect(Object.keys(body.checks).sort()).toEqual(["database", "models", "session_store", "vector_index"]);
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("503 naming models while they are still loading", async () => {
    const { res, body } = await readyz(false);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(body).toMatchObject({ status: "not_ready", code: "dependency_down", down: ["models"] });
    expect(body.checks.models).toMatchObject({ ok: false, code: "not_loaded" });
  });

  it("200 degraded naming the session store when it errors, without leaking the backend's message", async () => {
    t = await app();
    const sessions = t.deps.sessions;
    t.deps.sessions = Object.assign(Object.create(sessions), {
      get: () => Promise.reject(new Error("connect ECONNREFUSED secret-host.internal:6379")),
    });
    const res = await t.app.request("/readyz");
    const text = await res.text();
    // Served around (degraded feeds), so the pod stays in the Service: docs/operations.md.
    expect(res.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({
      status: "degraded",
      code: "dependency_down",
      down: ["session_store"],
      checks: { session_store: { code: "error" } },
    });
    expect(text).not.toContain("secret-host");
  });

  it("200 degraded naming the vector index when it hangs, answering within the per-check timeout", async () => {
    t = await app();
    t.deps.vectors = Object.assign(Object.create(t.deps.vectors), { liveVersion: () => new Promise(() => {}) });
    const started = performance.now();
    const res = await t.app.request("/readyz");
    const elapsed = performance.now() - started;
    const body = (await res.json()) as Readiness;
    expect(res.status).toBe(200);
    expect(body.status).toBe("degraded");
    expect(body.down).toEqual(["vector_index"]);
    expect(body.checks.vector_index.code).toBe("timeout");
    expect(elapsed).toBeLessThan(READINESS_TIMEOUT_MS + 1000);
  });

  it("503 naming the database when it is closed", async () => {
    t = await app();
    t.db.$client.close();
    const res = await t.app.request("/readyz");
    const body = (await res.json()) as Readiness;
    expect(res.status).toBe(503);
    expect(body.down).toContain("database");
  });
});
