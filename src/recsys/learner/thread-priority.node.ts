import { readdirSync, readFileSync, readlinkSync } from "node:fs";
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

/** One thread of a process as /proc/<pid>/task/<tid>/stat describes it (Linux). */
export interface ThreadPriority {
  tid: number;
  /** The thread's name (V8's "V8 DefaultWorke", libuv's "libuv-worker", node's main "node"…). */
  name: string;
  nice: number;
  /** User + system CPU time so far (ms; clock ticks of 10 ms). */
  cpuMs: number;
}

/**
 * Every thread of a process with its nice value and CPU time, from /proc (empty elsewhere): what really runs
 * at low priority. setpriority(2) acts per thread on Linux, so a process niced from its main thread after
 * start still has its V8 platform (GC) and libuv threads at the old priority.
 */
export function threadPriorities(pid: number | "self" = "self"): ThreadPriority[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: ThreadPriority[] = [];
  for (const tid of tids) {
    try {
      const raw = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = raw.slice(raw.indexOf("(") + 1, raw.lastIndexOf(")"));
      // After "pid (comm) ": state is field 3 (index 0 here); utime 14, stime 15, nice 19 (proc(5), 1-based).
      const f = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
      out.push({ tid: Number(tid), name, nice: Number(f[16]), cpuMs: (Number(f[11]) + Number(f[12])) * 10 });
    } catch {
      // the thread ended while listing
    }
  }
  return out;
}

/**
 * Lowers every current thread of this process (Linux), for a process that only trains (`npm run learn`,
 * bench:learn): threads started later inherit the value from the thread that starts them. Returns the
 * threads as they are afterwards (check `nice`), empty where /proc is missing.
 */
export function lowerProcessPriority(nice = 19): ThreadPriority[] {
  for (const t of threadPriorities()) {
    try {
      setPriority(t.tid, nice);
    } catch {
      // a thread that ended meanwhile
    }
  }
  return threadPriorities();
}

/**
 * Lowers every thread of this process but its main thread (Linux). For the cluster primary, which serves no
 * request itself (its main thread only hands connections to workers) and runs the learner thread: V8's
 * platform threads there do the learner's garbage collection (parallel scavenges, concurrent marking), and
 * at nice 0 they competed with the serving workers on equal terms while the learner's own thread was at 19.
 */
export function lowerOtherThreadsPriority(nice = 19): ThreadPriority[] {
  for (const t of threadPriorities()) {
    if (t.tid === process.pid) continue;
    try {
      setPriority(t.tid, nice);
    } catch {
      // a thread that ended meanwhile
    }
  }
  return threadPriorities();
}
