import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";

/**
 * Lowers the CPU priority of the calling thread only (Linux): background training must not take CPU from
 * the threads serving requests on the same cores. Node has no thread-priority API; on Linux a thread is
 * a task with its own id (from /proc/thread-self) and setpriority(2) on that id renices that thread alone,
 * which `os.setPriority` passes through. Elsewhere (or without /proc) nothing changes, and the caller is
 * told so to log it: the learner then competes with serving at normal priority.
 */
export function lowerThreadPriority(nice = 19): { applied: boolean; tid?: number; reason?: string } {
  try {
    const link = readlinkSync("/proc/thread-self"); // "<pid>/task/<tid>"
    const tid = Number(link.split("/").pop());
    if (!Number.isInteger(tid) || tid <= 0) return { applied: false, reason: `unexpected /proc/thread-self ${link}` };
    setPriority(tid, nice);
    return { applied: true, tid };
  } catch (err) {
    return { applied: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
