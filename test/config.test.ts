import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config";

describe("loadConfig", () => {
  it("runs on the embedded defaults with nothing set", () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBe("file:./data/recircuit.db");
    expect(c.PORT).toBe(8787);
    expect(c.HOST).toBe("127.0.0.1");
    expect(c.DEMO_DATA).toBe(true);
  });

  it("points at Turso with DATABASE_URL and DATABASE_AUTH_TOKEN", () => {
    const c = loadConfig({
      DATABASE_URL: "libsql://recircuit-acme.turso.io",
      DATABASE_AUTH_TOKEN: "tok",
      PORT: "9000",
    });
    expect(c.DATABASE_URL).toBe("libsql://recircuit-acme.turso.io");
    expect(c.PORT).toBe(9000);
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: " " }).PORT).toBe(8787);
  });

  it.each([
    ["PORT", { PORT: "http" }],
    ["PORT", { PORT: "70000" }],
    ["DATABASE_URL", { DATABASE_URL: "postgres://x" }],
    ["LOG_LEVEL", { LOG_LEVEL: "loud" }],
    ["DEMO_DATA", { DEMO_DATA: "maybe" }],
    ["UPSTASH_REDIS_REST_TOKEN", { UPSTASH_REDIS_REST_URL: "https://x.upstash.io" }],
    ["QDRANT_URL", { QDRANT_URL: "not a url" }],
  ])("fails fast naming %s", (variable, env) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.variable)).toContain(variable);
    expect((error as ConfigError).message).toContain(variable);
  });
});
