import { describe, expect, it } from "vitest";
import { enabled, logAt, type Logger, type LogLevel } from "../../src/ports/logger";

function recording(): { logger: Logger; calls: [LogLevel, string, unknown][] } {
  const calls: [LogLevel, string, unknown][] = [];
  const at = (level: LogLevel) => (msg: string, fields?: unknown) => void calls.push([level, msg, fields]);
  const logger: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => logger,
  };
  return { logger, calls };
}

describe("logger port", () => {
  it("orders levels debug < info < warn < error, and silent enables none", () => {
    expect(enabled("info", "info")).toBe(true);
    expect(enabled("debug", "info")).toBe(false);
    expect(enabled("error", "warn")).toBe(true);
    expect(enabled("warn", "error")).toBe(false);
    expect(enabled("error", "silent")).toBe(false);
  });

  it("logAt writes at its level, or at the level a call names in its fields", () => {
    const { logger, calls } = recording();
    const log = logAt(logger);
    log("plain", { n: 1 });
    log("failed", { level: "error", n: 2 });
    log("odd level stays a field", { level: "loud" });
    logAt(logger, "warn")("warned");
    expect(calls).toEqual([
      ["info", "plain", { n: 1 }],
      ["error", "failed", { n: 2 }],
      ["info", "odd level stays a field", { level: "loud" }],
      ["warn", "warned", undefined],
    ]);
  });
});
