import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerType } from "@hono/node-server";
import { listen, MAX_HEADER_BYTES } from "../../src/server/listen.node.js";
import { createTestApp, type TestApp } from "../helpers/app";

/**
 * Issue 17, finding 8: URLs over 16 KiB got Node's bare 431 (no error body, no request id). Against a real
 * listening server built by the same `listen()` the Node entry (src/server/node.ts) serves with.
 */
let t: TestApp;
let server: ServerType;
let base: string;
let port: number;
beforeAll(async () => {
  t = await createTestApp();
  await new Promise<void>((ready) => {
    server = listen(t.app.fetch, { hostname: "127.0.0.1", port: 0 }, (info: AddressInfo) => {
      port = info.port;
      base = `http://127.0.0.1:${info.port}`;
      ready();
    });
  });
});
afterAll(async () => {
  await new Promise((done) => server.close(() => done(undefined)));
  t.cleanup();
});

interface ErrorBody {
  error: { code: string; message: string; requestId: string };
}

/** Sends raw bytes and returns the raw answer (for requests fetch would refuse to build). */
const raw = (request: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let out = "";
    socket.setEncoding("utf8").on("data", (d: string) => (out += d));
    socket.on("end", () => resolve(out)).on("error", reject);
  });

describe("requests Node's parser refuses get the common error body", () => {
  it("a URL over 16 KiB: 431 request_header_fields_too_large, JSON body, x-request-id matching the body", async () => {
    const res = await fetch(`${base}/v1/products?q=${"a".repeat(MAX_HEADER_BYTES + 100)}`);
    expect(res.status).toBe(431);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("request_header_fields_too_large");
    expect(body.error.message).toContain("16 KiB");
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-request-id")).toBe(body.error.requestId);
  });

  it("headers over 16 KiB in total: the same 431 body", async () => {
    const res = await fetch(`${base}/healthz`, { headers: { "x-padding": "p".repeat(MAX_HEADER_BYTES) } });
    expect(res.status).toBe(431);
    expect(((await res.json()) as ErrorBody).error.code).toBe("request_header_fields_too_large");
  });

  it("a long URL under the limit still reaches the app (its own 4xx, not a parser refusal)", async () => {
    const res = await fetch(`${base}/v1/products?q=${"a".repeat(MAX_HEADER_BYTES / 2)}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.code).not.toBe("request_header_fields_too_large");
  });

  it("a malformed request line: 400 bad_request with the common body", async () => {
    const answer = await raw("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as ErrorBody;
    expect(body.error.code).toBe("bad_request");
    expect(answer.toLowerCase()).toContain(`x-request-id: ${body.error.requestId}`);
  });

  it("the server keeps serving after refusing", async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
