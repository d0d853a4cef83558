import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app";
import { serveApp } from "../../helpers/serve-app";

/**
 * `x-request-id` on every response, over real HTTP (@hono/node-server): better-auth's own handler on
 * /api/auth/* builds its Responses itself, so the id is put back by the access-log middleware.
 */
let t: TestApp;
let server: { url: string; close: () => Promise<void> };
beforeAll(async () => {
  t = await createTestApp();
  server = await serveApp(t.app.fetch);
});
afterAll(async () => {
  await server.close();
  t.cleanup();
});

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json", origin: "http://localhost:8787" },
  body: JSON.stringify(body),
});

describe("x-request-id", () => {
  const cases: [string, string, RequestInit | undefined][] = [
    ["auth session (no session)", "/api/auth/get-session", undefined],
    [
      "auth sign-up",
      "/api/auth/sign-up/email",
      json({ email: "rid@example.com", password: "correct horse battery 9", name: "Rid" }),
    ],
    [
      "auth sign-in, wrong password",
      "/api/auth/sign-in/email",
      json({ email: "rid@example.com", password: "wrong password 123" }),
    ],
    ["auth unknown path", "/api/auth/no-such-endpoint", undefined],
    ["auth malformed body", "/api/auth/sign-in/email", { ...json({}), body: "{not json" }],
    ["API route", "/v1/products", undefined],
    ["API error", "/v1/products?limit=abc", undefined],
    ["unmatched", "/no/such/route", undefined],
    ["probe", "/healthz", undefined],
  ];
  for (const [name, path, init] of cases)
    it(`is on the response of ${name} (${path}), generated when the client sent none`, async () => {
      const res = await fetch(`${server.url}${path}`, init);
      await res.arrayBuffer();
      expect(res.headers.get("x-request-id"), `${res.status}`).toMatch(/^[\w-]{8,}$/);
    });

  it("echoes the caller's id on /api/auth/* responses, success and error alike", async () => {
    for (const [path, init] of [
      ["/api/auth/get-session", undefined],
      ["/api/auth/sign-in/email", json({ email: "nobody@example.com", password: "wrong password 123" })],
    ] as const) {
      const res = await fetch(`${server.url}${path}`, {
        ...init,
        headers: { ...(init?.headers ?? {}), "x-request-id": "trace-auth-42" },
      });
      await res.arrayBuffer();
      expect(res.headers.get("x-request-id"), path).toBe("trace-auth-42");
    }
  });
});
