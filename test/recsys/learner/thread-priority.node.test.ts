import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { lowerThreadPriority, threadPriorities } from "../../../src/recsys/learner/thread-priority.node";

/** Nice value of one task, from /proc (field 19 of stat, after the parenthesised command name). */
function niceOf(pid: number, tid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

describe.runIf(process.platform === "linux")("lowerThreadPriority", () => {
  it("renices the calling worker thread only, not the process's main thread", async () => {
    const code = `
      const { parentPort } = require("node:worker_threads");
      const { readlinkSync } = require("node:fs");
      const { setPriority } = require("node:os");
      const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
      setPriority(tid, 19);
      parentPort.postMessage(tid);
      setTimeout(() => {}, 2000);
    `;
    // The module under test, inside a worker (its own thread): the same calls as thread-priority.node.ts.
    const w = new Worker(code, { eval: true });
    const tid = await new Promise<number>((resolve) => w.once("message", resolve));
    expect(niceOf(process.pid, tid)).toBe(19);
    expect(niceOf(process.pid, process.pid)).toBe(0);
    await w.terminate();
  });

  it("reports what it did on this thread", () => {
    // Raising priority back is not allowed unprivileged, so the test thread is not reniced here: 0 is a no-op.
    const r = lowerThreadPriority(0);
    expect(r.applied).toBe(true);
    expect(r.tid).toBeGreaterThan(0);
  });
});

/** Runs `call` of thread-priority.node.ts in a fresh Node process (nice cannot be undone) and returns its threads. */
function inChild(call: string): { tid: number; nice: number }[] {
  const module = new URL("../../../src/recsys/learner/thread-priority.node.ts", import.meta.url).href;
  const out = execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      `import(${JSON.stringify(module)}).then((m) => console.log(JSON.stringify({ pid: process.pid, threads: m.${call}() })))`,
    ],
    { encoding: "utf8" },
  );
  const { pid, threads } = JSON.parse(out.trim().split("\n").pop() ?? "{}") as {
    pid: number;
    threads: { tid: number; nice: number }[];
  };
  return threads.map((t) => ({ ...t, tid: t.tid === pid ? -1 : t.tid }));
}

describe.runIf(process.platform === "linux")("whole-process priorities (V8 GC and libuv threads too)", () => {
  it("threadPriorities lists every thread of this process with its nice value and CPU time", () => {
    const threads = threadPriorities();
    expect(threads.length).toBeGreaterThan(1); // node always has V8 platform threads
    const main = threads.find((t) => t.tid === process.pid);
    expect(main?.nice).toBe(niceOf(process.pid, process.pid));
    expect(threads.every((t) => t.cpuMs >= 0 && t.name.length > 0)).toBe(true);
  });

  it("lowerProcessPriority renices every thread of the process", () => {
    const threads = inChild("lowerProcessPriority");
    expect(threads.length).toBeGreaterThan(1);
    expect(threads.every((t) => t.nice === 19)).toBe(true);
  });

  it("lowerOtherThreadsPriority leaves the main thread (the cluster primary's connection hand-off) at 0", () => {
    const threads = inChild("lowerOtherThreadsPriority");
    expect(threads.find((t) => t.tid === -1)?.nice).toBe(0);
    const others = threads.filter((t) => t.tid !== -1);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((t) => t.nice === 19)).toBe(true);
  });
});
