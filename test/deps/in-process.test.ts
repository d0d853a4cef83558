import { afterAll, describe, expect, it } from "vitest";
import type { Logger, LogFields } from "../../src/ports/logger";
import type { EventLog } from "../../src/services/events/event-log";
import { createTestApp, type TestApp } from "../helpers/app";
import { seedCatalog } from "../helpers/catalog-seed";
import { expectComplete } from "./complete";

const apps: TestApp[] = [];
afterAll(() => apps.forEach((t) => void t.cleanup()));

function recordingLogger(lines: { level: string; msg: string; fields?: LogFields }[]): Logger {
  const at = (level: string) => (msg: string, fields?: LogFields) => void lines.push({ level, msg, fields });
  const logger: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => logger,
  };
  return logger;
}

describe("buildInProcessDeps (the tests' assembly, through createTestApp)", () => {
  it("builds complete AppDeps with in-process stores", async () => {
    const t = await createTestApp();
    apps.push(t);
    expectComplete(t.deps);
    expect(t.deps.sessions).toBe(t.deps.recsys.o.sessions);
  });

  it("uses what the caller built: a failed event write is reported through the given logger", async () => {
    const lines: { level: string; msg: string; fields?: LogFields }[] = [];
    const failing: EventLog = {
      record: async () => {
        throw new Error("disk full");
      },
    } as unknown as EventLog;
    const t = await createTestApp({ logger: recordingLogger(lines), events: failing });
    apps.push(t);
    expect(t.deps.events).toBe(failing);
    await seedCatalog(t.db);

    const res = await t.app.request("/v1/products/P-HEAD-1");
    expect(res.status).toBe(200);
    expect(lines).toContainEqual({ level: "error", msg: "event log write failed", fields: { error: "disk full" } });
  });
});
