import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { lowerThreadPriority } from "../../../src/recsys/learner/thread-priority.node";

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
