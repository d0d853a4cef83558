/**
 * Signals through npm: `npm start`, `npm run serve` and every CLI wrapper run their process with `exec`, so
 * npm's SIGTERM reaches it (without `exec`, `sh -c` died and left tsx and the real process orphaned, as the
 * issue saw with `npm run ingest`). The real server drains and exits within 10 s, freeing its port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/server-process.js";

const ROOT = resolve(import.meta.dirname, "../..");
const children: ChildProcess[] = [];
const dirs: string[] = [];
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
const portAnswers = (port: number) =>
  new Promise<boolean>((done) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), done(true)));
    s.once("error", () => done(false));
  });

describe("package.json scripts", () => {
  it("every script that runs node or tsx execs it (npm's signals reach the real process)", () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    // A chain (`a && b`) cannot exec; those are short-lived checks (lint:openapi), not long-running processes.
    const notExec = Object.entries(scripts).filter(([, cmd]) => /^(tsx|node) /.test(cmd) && !cmd.includes("&&"));
    expect(notExec).toEqual([]);
    expect(scripts.ingest).toMatch(/^exec tsx /);
    expect(scripts.learn).toMatch(/^exec tsx /);
  });
});

describe.each(["start", "serve"])("npm %s and SIGTERM", (script) => {
  it("SIGTERM to npm stops the real server within 10 s and frees the port", async () => {
    const dir = mkdtempSync(join(tmpdir(), "recircuit-npm-signals-"));
    dirs.push(dir);
    const port = await freePort();
    // An empty database without demo data: the server starts at once (models retry in the background).
    const env: Record<string, string | undefined> = {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
      DEMO_DATA: "false",
      LEARNER: "off",
      NODE_ENV: "test",
      LOG_LEVEL: "info",
    };
    for (const k of ["SESSION_STORE", "UPSTASH_REDIS_REST_URL", "QDRANT_URL", "WEB_CONCURRENCY"]) delete env[k];
    const npm = spawn("npm", ["run", "--silent", script], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    children.push(npm);
    let output = "";
    npm.stdout?.setEncoding("utf8").on("data", (d: string) => (output += d));
    npm.stderr?.setEncoding("utf8").on("data", (d: string) => (output += d));
    const exited = new Promise<void>((done) => npm.once("exit", () => done()));
    const deadline = Date.now() + 90_000;
    let serverPid = 0;
    while (!serverPid) {
      if (npm.exitCode !== null) throw new Error(`npm exited early:\n${output.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`not listening:\n${output.slice(-2000)}`);
      serverPid = Number(/"pid":(\d+)[^\n]*listening on/.exec(output)?.[1] ?? 0);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(serverPid).not.toBe(npm.pid);
    expect(await portAnswers(port)).toBe(true);
    const signalled = Date.now();
    npm.kill("SIGTERM");
    while (alive(serverPid) && Date.now() - signalled < 12_000) await new Promise((r) => setTimeout(r, 100));
    expect(alive(serverPid), output.slice(-1500)).toBe(false);
    expect(Date.now() - signalled).toBeLessThanOrEqual(10_000);
    await exited;
    expect(await portAnswers(port)).toBe(false);
  }, 120_000);
});
