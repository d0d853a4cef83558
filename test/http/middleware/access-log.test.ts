import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogFields, Logger } from "../../../src/ports/logger";
import { createTestApp, type TestApp } from "../../helpers/app";

interface Line {
  level: string;
  msg: string;
  fields: LogFields;
}
const lines: Line[] = [];
const capture = (bindings: LogFields = {}): Logger => ({
  debug: (msg, fields) => lines.push({ level: "debug", msg, fields: { ...bindings, ...fields } }),
  info: (msg, fields) => lines.push({ level: "info", msg, fields: { ...bindings, ...fields } }),
  warn: (msg, fields) => lines.push({ level: "warn", msg, fields: { ...bindings, ...fields } }),
  error: (msg, fields) => lines.push({ level: "error", msg, fields: { ...bindings, ...fields } }),
  child: (more) => capture({ ...bindings, ...more }),
});

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  t.deps.logger = capture();
});
afterAll(() => t.cleanup());
const requestLines = () => lines.filter((l) => l.msg === "request");

describe("access log", () => {
  it("writes exactly one line per request carrying the response's x-request-id, route and status", async () => {
    lines.length = 0;
    const res = await t.app.request("/v1/products/NOPE", { headers: { "x-request-id": "req-abc-123" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBe("req-abc-123");
    expect(requestLines()).toHaveLength(1);
    expect(requestLines()[0]).toMatchObject({
      level: "info",
      fields: {
        requestId: "req-abc-123",
        method: "GET",
        path: "/v1/products/NOPE",
        route: "/v1/products/:id",
        status: 404,
      },
    });
    expect(typeof requestLines()[0].fields.ms).toBe("number");
  });

  it("logs /api/auth/* requests too, with a generated request id", async () => {
    lines.length = 0;
    const res = await t.app.request("/api/auth/get-session");
    const id = res.headers.get("x-request-id");
    expect(id).toBeTruthy();
    expect(requestLines()).toHaveLength(1);
    expect(requestLines()[0].fields).toMatchObject({ requestId: id, route: "/api/auth/*", status: res.status });
  });

  it("logs a failing request once, at its error status", async () => {
    lines.length = 0;
    const res = await t.app.request("/v1/products?limit=abc");
    expect(res.status).toBe(400);
    expect(requestLines().map((l) => l.fields.status)).toEqual([400]);
  });

  it("keeps successful probes at debug so they do not drown real traffic", async () => {
    lines.length = 0;
    await t.app.request("/healthz");
    expect(requestLines()).toMatchObject([{ level: "debug", fields: { route: "/healthz", status: 200 } }]);
  });
});
