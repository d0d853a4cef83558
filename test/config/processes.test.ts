/** WEB_CONCURRENCY and SESSION_STORE: the defaults that follow from each other, and the errors naming them. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config";

const upstash = { UPSTASH_REDIS_REST_URL: "https://eu1-x.upstash.io", UPSTASH_REDIS_REST_TOKEN: "t" };

function configError(env: Record<string, string>, cores?: number): ConfigError {
  try {
    loadConfig(env, cores === undefined ? {} : { availableParallelism: () => cores });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe("WEB_CONCURRENCY and SESSION_STORE", () => {
  it("defaults to one process with the in-process store", () => {
    const c = loadConfig({});
    expect(c.WEB_CONCURRENCY).toBe(1);
    expect(c.SESSION_STORE).toBe("memory");
  });

  it("defaults to the libsql store when more than one process serves", () => {
    expect(loadConfig({ WEB_CONCURRENCY: "2" })).toMatchObject({ WEB_CONCURRENCY: 2, SESSION_STORE: "libsql" });
    expect(loadConfig({ WEB_CONCURRENCY: "4", SESSION_STORE: "libsql" }).SESSION_STORE).toBe("libsql");
  });

  it("keeps Upstash as the default whenever its variables are set, at any process count", () => {
    expect(loadConfig({ ...upstash }).SESSION_STORE).toBe("upstash");
    expect(loadConfig({ ...upstash, WEB_CONCURRENCY: "3" }).SESSION_STORE).toBe("upstash");
    expect(loadConfig({ ...upstash, SESSION_STORE: "libsql" }).SESSION_STORE).toBe("libsql"); // explicit wins
  });

  it("resolves auto to the cores it is given (1 where there is no such notion, e.g. Workers)", () => {
    expect(loadConfig({ WEB_CONCURRENCY: "auto" }, { availableParallelism: () => 2 })).toMatchObject({
      WEB_CONCURRENCY: 2,
      SESSION_STORE: "libsql",
    });
    expect(loadConfig({ WEB_CONCURRENCY: "auto" })).toMatchObject({ WEB_CONCURRENCY: 1, SESSION_STORE: "memory" });
    expect(
      loadConfig({ WEB_CONCURRENCY: "auto", SESSION_STORE: "memory" }, { availableParallelism: () => 1 })
        .WEB_CONCURRENCY,
    ).toBe(1);
  });

  it("rejects memory with more than one process, naming SESSION_STORE and saying why", () => {
    const err = configError({ WEB_CONCURRENCY: "2", SESSION_STORE: "memory" });
    expect(err.issues.map((i) => i.variable)).toEqual(["SESSION_STORE"]);
    expect(err.message).toMatch(/SESSION_STORE: memory .*WEB_CONCURRENCY runs 2/);
    expect(configError({ WEB_CONCURRENCY: "auto", SESSION_STORE: "memory" }, 2).issues[0].variable).toBe(
      "SESSION_STORE",
    );
  });

  it("rejects upstash without its URL", () => {
    expect(configError({ SESSION_STORE: "upstash" }).issues.map((i) => i.variable)).toEqual(["UPSTASH_REDIS_REST_URL"]);
  });

  it.each([
    ["WEB_CONCURRENCY", { WEB_CONCURRENCY: "0" }],
    ["WEB_CONCURRENCY", { WEB_CONCURRENCY: "-1" }],
    ["WEB_CONCURRENCY", { WEB_CONCURRENCY: "1.5" }],
    ["WEB_CONCURRENCY", { WEB_CONCURRENCY: "many" }],
    ["WEB_CONCURRENCY", { WEB_CONCURRENCY: "1000" }],
    ["SESSION_STORE", { SESSION_STORE: "redis" }],
  ])("fails fast naming %s (%j)", (variable, env) => {
    const err = configError(env);
    expect(err.issues.map((i) => i.variable)).toContain(variable);
    expect(err.message).toContain(variable);
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ WEB_CONCURRENCY: "", SESSION_STORE: " " })).toMatchObject({
      WEB_CONCURRENCY: 1,
      SESSION_STORE: "memory",
    });
  });
});
