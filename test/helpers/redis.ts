/**
 * Starts a throwaway redis-server on a free loopback port for integration tests.
 * Fails loudly (never skips) when redis-server is missing: the Upstash adapter must be tested against
 * real Redis semantics, not silently left untested.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, connect } from "node:net";

export interface RedisServerHandle {
  url: string;
  port: number;
  /** Stops the server (idempotent) and waits for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL (a crash, no shutdown), waiting for the process to exit. */
  kill(): Promise<void>;
}

const INSTALL_HINT = "redis-server is not installed: install it with `apt-get install -y redis-server` (Debian/Ubuntu)";

/** Throws with the install command when `binary` cannot run. */
export function assertRedisInstalled(binary = "redis-server"): void {
  const probe = spawnSync(binary, ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(`${INSTALL_HINT}${probe.error ? ` (${probe.error.message})` : ""}`);
  }
}

/** A port that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("*1\r\n$4\r\nPING\r\n"));
    socket.once("data", (d) => done(d.toString().startsWith("+PONG")));
    socket.setTimeout(500, () => done(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));
}

/** `port`: a given one (test/resilience restarts a killed server on the port its clients know). */
export async function startRedis(timeoutMs = 10_000, port?: number): Promise<RedisServerHandle> {
  assertRedisInstalled();
  port ??= await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + timeoutMs;
  while (!(await ping(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`redis-server did not start on port ${port}:\n${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited(child);
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited(child);
    },
  };
}
