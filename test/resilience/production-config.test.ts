/** Production safety in configuration: demo data only when asked for; no per-isolate session store on Workers. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { buildWorkerDeps, type WorkerEnv } from "../../src/deps/worker";

const SECRET = { BETTER_AUTH_SECRET: "x".repeat(40) };

describe("DEMO_DATA", () => {
  it("is on by default outside production", () => {
    expect(loadConfig({}).DEMO_DATA).toBe(true);
    expect(loadConfig({ NODE_ENV: "test" }).DEMO_DATA).toBe(true);
  });

  it("is off by default in production, on only when explicitly asked for", () => {
    expect(loadConfig({ NODE_ENV: "production", ...SECRET }).DEMO_DATA).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", DEMO_DATA: "true", ...SECRET }).DEMO_DATA).toBe(true);
    expect(loadConfig({ NODE_ENV: "development", DEMO_DATA: "false" }).DEMO_DATA).toBe(false);
  });

  it("rejects a bad value, naming the variable", () => {
    expect(() => loadConfig({ DEMO_DATA: "yes please" })).toThrow(/DEMO_DATA/);
  });
});

describe("a production Worker's session store", () => {
  const env: WorkerEnv = {
    DATABASE_URL: "https://db.example.turso.io",
    DATABASE_AUTH_TOKEN: "t",
    NODE_ENV: "production",
    LOG_LEVEL: "silent",
    ...SECRET,
  };

  it("refuses to start without a shared store, naming SESSION_STORE and both ways out", () => {
    const built = buildWorkerDeps(env);
    expect(built.ok).toBe(false);
    if (built.ok) return;
    expect(built.error.issues).toEqual([
      { variable: "SESSION_STORE", message: expect.stringMatching(/UPSTASH.*libsql/) },
    ]);
    const explicit = buildWorkerDeps({ ...env, SESSION_STORE: "memory" });
    expect(explicit.ok).toBe(false);
  });

  it("starts with Upstash bindings, or with the database store when asked for", () => {
    const upstash = buildWorkerDeps({
      ...env,
      UPSTASH_REDIS_REST_URL: "https://x.upstash.io",
      UPSTASH_REDIS_REST_TOKEN: "t",
    });
    expect(upstash.ok && upstash.deps.config.SESSION_STORE).toBe("upstash");
    const db = buildWorkerDeps({ ...env, SESSION_STORE: "libsql" });
    expect(db.ok && db.deps.config.SESSION_STORE).toBe("libsql");
  });

  it("outside production the in-isolate store stays allowed (local development, tests)", () => {
    expect(buildWorkerDeps({ ...env, NODE_ENV: "development" }).ok).toBe(true);
  });
});
