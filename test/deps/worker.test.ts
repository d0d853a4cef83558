import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { buildApiWorkerDeps } from "../../src/deps/api-worker";
import { buildWorkerDeps, type Built, type WorkerEnv } from "../../src/deps/worker";
import { expectComplete } from "./complete";

// Runs in Node: building deps opens no connection (the web libSQL client connects on its first query).
const env: WorkerEnv = { DATABASE_URL: "http://127.0.0.1:9", NODE_ENV: "test", LOG_LEVEL: "silent" };

function ok(built: Built) {
  if (!built.ok) throw new Error(`expected deps, got ${built.error.message}`);
  return built.deps;
}

describe("buildWorkerDeps / buildApiWorkerDeps (the Workers' assembly)", () => {
  it("builds the scheduler's deps and the api Worker's complete AppDeps from bindings", async () => {
    const base = ok(buildWorkerDeps(env));
    for (const key of ["config", "db", "clock", "newId", "logger"] as const) expect(base[key], key).toBeDefined();
    expect(base.config.LOG_LEVEL).toBe("silent");

    const api = buildApiWorkerDeps(base);
    expectComplete(api.deps);
    // Models load lazily per isolate (workers/serving.ts): nothing is started by assembling.
    expect(api.deps.recsys.ready).toBe(false);
    expect(api.deps.recsys.o.registry).toBe(api.registry);
    const res = await createApp(api.deps).request("/openapi.json");
    expect(res.status).toBe(200);
  });

  it("logs through the console as JSON lines at LOG_LEVEL", () => {
    const lines: string[] = [];
    const original = { info: console.info, warn: console.warn };
    console.info = (line: string) => void lines.push(line);
    console.warn = (line: string) => void lines.push(line);
    try {
      const { logger } = ok(buildWorkerDeps({ ...env, LOG_LEVEL: "warn" }));
      logger.info("hidden");
      logger.warn("shown", { n: 1 });
    } finally {
      Object.assign(console, original);
    }
    expect(lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ level: "warn", msg: "shown", n: 1 })]);
  });

  it.each([
    ["no DATABASE_URL", { NODE_ENV: "test" }, "DATABASE_URL"],
    ["a file: database", { DATABASE_URL: "file:./x.db" }, "DATABASE_URL"],
    ["an unknown scheme", { DATABASE_URL: "ftp://db.example" }, "DATABASE_URL"],
    ["an unknown log level", { ...env, LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    ["production without an auth secret", { ...env, NODE_ENV: "production" }, "BETTER_AUTH_SECRET"],
  ] satisfies [string, WorkerEnv, string][])(
    "rejects %s, naming the variable (never throws)",
    (_what, bad, variable) => {
      const built = buildWorkerDeps(bad);
      expect(built.ok).toBe(false);
      if (!built.ok) expect(built.error.issues.map((i) => i.variable)).toContain(variable);
    },
  );
});
