import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { createConsoleJsonLogger } from "../../../src/adapters/logger/console-json";
import { createPinoLogger } from "../../../src/adapters/logger/pino.node.js";
import type { Logger, LogThreshold } from "../../../src/ports/logger";

const ROOT = resolve(import.meta.dirname, "../../..");

/** Each adapter, writing its lines into an array instead of stdout / the console. */
const adapters: Record<string, (level: LogThreshold, lines: string[]) => Logger> = {
  pino: (level, lines) => createPinoLogger({ level, destination: { write: (s: string) => void lines.push(s.trim()) } }),
  "console-json": (level, lines) => createConsoleJsonLogger({ level, write: (_l, line) => void lines.push(line) }),
};

describe.each(Object.entries(adapters))("%s logger", (_name, make) => {
  it("writes one JSON object per line with level, ISO time, msg and the fields", () => {
    const lines: string[] = [];
    const before = Date.now();
    make("debug", lines).info("catalog loaded", { products: 12, nested: { ok: true } });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: "info", msg: "catalog loaded", products: 12, nested: { ok: true } });
    expect(Date.parse(line.time)).toBeGreaterThanOrEqual(before - 1000);
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("at warn writes warn and error lines only", () => {
    const lines: string[] = [];
    const log = make("warn", lines);
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ level: "warn", msg: "w" }),
      expect.objectContaining({ level: "error", msg: "e" }),
    ]);
  });

  it("writes nothing at silent", () => {
    const lines: string[] = [];
    const log = make("silent", lines);
    log.error("e");
    log.child({ component: "x" }).error("e");
    expect(lines).toEqual([]);
  });

  it("child loggers add their bindings to every line and keep the level", () => {
    const lines: string[] = [];
    const child = make("info", lines).child({ component: "scheduler" }).child({ job: "rotation" });
    child.debug("hidden");
    child.info("done", { ms: 3 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: "info",
      msg: "done",
      component: "scheduler",
      job: "rotation",
      ms: 3,
    });
  });
});

describe("console-json logger", () => {
  it("keeps level, time and msg whatever the fields say, and writes errors as objects", () => {
    const lines: string[] = [];
    const log = createConsoleJsonLogger({ level: "info", now: () => 0, write: (_l, line) => void lines.push(line) });
    log.warn("boom", { level: "debug", msg: "other", time: "never", err: new TypeError("bad") });
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: "warn", msg: "boom", time: "1970-01-01T00:00:00.000Z" });
    expect(line.err).toMatchObject({ type: "TypeError", message: "bad" });
  });

  it("hands each line to the console method of its level by default", () => {
    const calls: string[] = [];
    const original = { info: console.info, error: console.error };
    console.info = () => void calls.push("info");
    console.error = () => void calls.push("error");
    try {
      const log = createConsoleJsonLogger({ level: "info" });
      log.info("a");
      log.error("b");
    } finally {
      Object.assign(console, original);
    }
    expect(calls).toEqual(["info", "error"]);
  });
});

describe("Node logger from LOG_LEVEL", () => {
  /**
   * A process logging one line per level to its real stdout, with the level from the environment through the
   * config schema, as src/deps/node.node.ts (createNodeLogger) builds it (importing that module here would
   * load the whole app per process).
   */
  function run(env: Record<string, string>): string[] {
    const url = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, path)).href);
    const script = `
      import { createPinoLogger } from ${url("src/adapters/logger/pino.node.ts")};
      import { loadConfig } from ${url("src/config.ts")};
      const log = createPinoLogger({ level: loadConfig(process.env).LOG_LEVEL });
      log.debug("d"); log.info("i", { n: 1 }); log.warn("w"); log.error("e");`;
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href,
        "--input-type=module",
        "-e",
        script,
      ],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8", timeout: 60_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.split("\n").filter(Boolean);
  }

  it("LOG_LEVEL=warn keeps info lines off stdout; every line is JSON with level, msg and time", () => {
    const lines = run({ LOG_LEVEL: "warn" }).map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ["warn", "w"],
      ["error", "e"],
    ]);
    for (const l of lines) expect(Number.isNaN(Date.parse(l.time))).toBe(false);
  });

  it("LOG_LEVEL=info writes info lines with their fields; silent writes nothing", () => {
    const info = run({ LOG_LEVEL: "info" }).map((l) => JSON.parse(l));
    expect(info.map((l) => l.msg)).toEqual(["i", "w", "e"]);
    expect(info[0]).toMatchObject({ level: "info", n: 1, pid: expect.any(Number) });
    expect(run({ LOG_LEVEL: "silent" })).toEqual([]);
  });
});
