/**
 * The real Node server started as production would be, with every secret set and every remote backend
 * unreachable, over an empty database (no demo data asked for, so no models can be trained):
 * - it starts and serves the catalog; model-backed routes answer 503 with Retry-After (never 500);
 * - no demo data, no demo admin (NODE_ENV=production without DEMO_DATA=true);
 * - nothing it logs, at LOG_LEVEL=debug, start-up and access log included, contains a configured secret;
 * - the unreachable backends are named by their setting, with credentials hidden.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/server-process.js";

const ROOT = resolve(import.meta.dirname, "../..");
const SECRETS = {
  BETTER_AUTH_SECRET: "prod-auth-secret-0123456789-abcdefghij",
  METRICS_TOKEN: "metrics-token-0123456789abcdef",
  UPSTASH_REDIS_REST_TOKEN: "upstash-token-secret-42",
  QDRANT_API_KEY: "qdrant-api-key-secret-42",
  HF_TOKEN: "hf_secret_token_42",
};
const URL_PASSWORD = "url-password-secret-42";

let dir: string;
let child: ChildProcess;
let base: string;
let output = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "recircuit-prod-"));
  const port = await freePort();
  const dead = await freePort(); // nothing listens there
  base = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "production",
    LOG_LEVEL: "debug",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
    UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${dead}`,
    QDRANT_URL: `http://admin:${URL_PASSWORD}@127.0.0.1:${dead}`,
    HF_EMBED_URL: `http://127.0.0.1:${dead}`,
    LEARNER: "off",
    ...SECRETS,
  };
  child = spawn(process.execPath, ["--import", "tsx", "src/server/node.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (output += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (output += d));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${output.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`server not listening:\n${output.slice(-3000)}`);
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 300));
  }
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("production start with every backend unreachable", () => {
  it("serves the catalog; model-backed routes answer 503 with Retry-After, never 500", async () => {
    expect((await fetch(`${base}/v1/products?limit=2`)).status).toBe(200);
    expect((await fetch(`${base}/v1/categories`)).status).toBe(200);
    for (const path of ["/v1/feed", "/v1/recommendations/session", "/v1/products/B0001/recommendations"]) {
      const res = await fetch(`${base}${path}`, { headers: { "x-session-id": "sess-prod-0001" } });
      expect(res.status, path).toBe(503);
      expect(res.headers.get("retry-after"), path).toBeTruthy();
    }
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      down: expect.arrayContaining(["models", "session_store", "vector_index"]),
    });
  });

  it("creates no demo data and no demo admin in production", async () => {
    const res = await fetch(`${base}/v1/products?limit=1`);
    expect(((await res.json()) as { items: unknown[] }).items).toEqual([]);
    expect(output).not.toMatch(/recircuit\.demo|demo accounts|admin@/i);
  });

  it("logs no configured secret, start-up and access log included, and names unreachable settings", async () => {
    // Requests carrying secrets in headers: the access log must not copy them.
    await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${SECRETS.METRICS_TOKEN}` } });
    await fetch(`${base}/v1/products?limit=1`, { headers: { "x-api-key": "rc_live_not_a_real_key_secret" } });
    await fetch(`${base}/v1/feed`, { headers: { "x-session-id": "sess-prod-0002" } });
    // Readiness probes reach both remote backends: three failures open their circuits, which logs them once.
    for (let i = 0; i < 3; i++) await fetch(`${base}/readyz`);
    // Give the breakers and the model retry a moment to log what they log.
    await new Promise((r) => setTimeout(r, 1500));
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    for (const [name, secret] of Object.entries({ ...SECRETS, URL_PASSWORD, apiKey: "rc_live_not_a_real_key_secret" }))
      expect(output.includes(secret), `${name} appears in the logs`).toBe(false);
    expect(output).toContain("listening on");
    expect(output).toMatch(/UPSTASH_REDIS_REST_URL=http:\/\/127\.0\.0\.1:\d+\/: connection refused/);
    expect(output).toMatch(/QDRANT_URL=http:\/\/\*\*\*@127\.0\.0\.1:\d+\/: connection refused/);
  });
});
