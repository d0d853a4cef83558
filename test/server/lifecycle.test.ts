/**
 * `npm start`'s process tree (scripts/start.mjs → src/server/node.ts) and signals: SIGTERM to the wrapper
 * reaches the server, which finishes the request in flight, frees the port and exits within 10 s; SIGKILL to
 * the wrapper does not leave the server running as an orphan. Runs the real wrapper over a temp database
 * with the demo catalog (an empty catalog cannot train the serving models).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/server-process.js";

const ROOT = resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startWrapper() {
  const dir = mkdtempSync(join(tmpdir(), "recircuit-lifecycle-"));
  dirs.push(dir);
  const port = await freePort();
  const env = {
    ...(process.env as Record<string, string>),
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
    MODEL_REGISTRY: "libsql",
    DEMO_DATA: "true",
    NODE_ENV: "test",
    LOG_LEVEL: "info",
  };
  delete (env as Record<string, string | undefined>).SESSION_STORE;
  delete (env as Record<string, string | undefined>).UPSTASH_REDIS_REST_URL;
  const child = spawn(process.execPath, ["scripts/start.mjs"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (output += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (output += d));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output.slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`server not ready:\n${output.slice(-2000)}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await sleep(300);
  }
  // The real server's pid, from its JSON log lines (pino writes `pid`).
  const serverPid = Number(/"pid":(\d+)[^\n]*listening on/.exec(output)?.[1]);
  expect(serverPid).toBeGreaterThan(0);
  expect(serverPid).not.toBe(child.pid);
  return { child, port, serverPid, exited, output: () => output };
}

const portAnswers = (port: number) =>
  new Promise<boolean>((done) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), done(true)));
    s.once("error", () => done(false));
  });

describe("npm start and signals", () => {
  it("SIGTERM drains the request in flight, frees the port and exits within 10 s", async () => {
    const { child, port, serverPid, exited, output } = await startWrapper();
    // A request in flight across the signal: its body arrives only after SIGTERM.
    const body = JSON.stringify({ events: [{ type: "view", productId: "x" }] });
    const socket = connect(port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    let answer = "";
    socket.setEncoding("utf8").on("data", (d: string) => (answer += d));
    socket.write(
      `POST /v1/events HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    await sleep(300);
    const signalled = Date.now();
    child.kill("SIGTERM");
    await sleep(1000);
    socket.write(body.slice(5));
    const code = await exited;
    const tookMs = Date.now() - signalled;
    expect(answer, output().slice(-2000)).toMatch(/^HTTP\/1\.1 \d{3} /);
    expect(tookMs).toBeLessThanOrEqual(10_000);
    expect(code).toBe(0);
    expect(alive(serverPid)).toBe(false);
    expect(await portAnswers(port)).toBe(false);
  }, 200_000);

  it("SIGKILL to the wrapper does not leave the server running on its port", async () => {
    const { child, port, serverPid, exited } = await startWrapper();
    child.kill("SIGKILL");
    await exited;
    const deadline = Date.now() + 10_000;
    while (alive(serverPid) && Date.now() < deadline) await sleep(100);
    expect(alive(serverPid)).toBe(false);
    expect(await portAnswers(port)).toBe(false);
  }, 200_000);
});
