/**
 * Where the replay cuts a data set: everything before the cut is loaded and trained on, everything from it on
 * is played through the API. Pure functions (unit-tested in test/scripts/replay-split.test.ts).
 */
import type { ReplayEvent } from "./dataset";

export type SplitSpec =
  /** The cut is the time below which this share of events falls (0 < f < 1). */
  | { kind: "fraction"; fraction: number }
  /** Events with ts < time are history (Unix ms; on the position clock, a sequence position). */
  | { kind: "time"; time: number }
  /** The first `--dataset` file is history, the others are played (e.g. last_out train vs valid + test). */
  | { kind: "files" };

export class SplitError extends Error {
  override readonly name = "SplitError";
}

/** `0.8` → fraction; `files`; a whole number ≥ 1 → time (ms or position); an ISO date → time. */
export function parseSplit(text: string): SplitSpec {
  const s = text.trim();
  if (s === "files") return { kind: "files" };
  if (/^\d*\.\d+$|^0$|^1$/.test(s)) {
    const f = Number(s);
    if (f > 0 && f < 1) return { kind: "fraction", fraction: f };
    throw new SplitError(`--split fraction must be between 0 and 1 (exclusive), got ${s}`);
  }
  if (/^\d+$/.test(s)) return { kind: "time", time: Number(s) };
  const t = Date.parse(s);
  if (/^\d{4}-\d{2}-\d{2}/.test(s) && Number.isFinite(t)) return { kind: "time", time: t };
  throw new SplitError(
    `--split must be a fraction (0.8), a time (Unix ms, ISO date or position) or "files", got "${s}"`,
  );
}

export interface Split {
  /** Loaded into the database before the server starts (time order). */
  history: ReplayEvent[];
  /** Played through the API, in time order (ties: reading order). */
  replay: ReplayEvent[];
  /** First time of the replayed part. */
  cut: number;
}

const byTime = (a: ReplayEvent, b: ReplayEvent): number => a.ts - b.ts || a.seq - b.seq;

/** Cuts the events; a cut that leaves either side empty is an error (nothing to train on, or nothing to play). */
export function splitEvents(events: readonly ReplayEvent[], spec: SplitSpec): Split {
  const sorted = [...events].sort(byTime);
  let history: ReplayEvent[];
  let replay: ReplayEvent[];
  if (spec.kind === "files") {
    history = sorted.filter((e) => e.file === 0);
    replay = sorted.filter((e) => e.file > 0);
  } else {
    const cut =
      spec.kind === "time"
        ? spec.time
        : sorted[Math.min(sorted.length - 1, Math.floor(spec.fraction * sorted.length))].ts;
    // Events at the cut's own time all go to the replay, so a time step is never split (ties on the position clock).
    history = sorted.filter((e) => e.ts < cut);
    replay = sorted.filter((e) => e.ts >= cut);
  }
  if (history.length === 0) throw new SplitError("the split leaves no history to train on");
  if (replay.length === 0) throw new SplitError("the split leaves no events to replay");
  return { history, replay, cut: replay[0].ts };
}

/** One POST: an actor's events at one time, each with its index in the replay order (the case number). */
export interface Step {
  user: string;
  ts: number;
  events: { event: ReplayEvent; index: number }[];
}

/**
 * Groups the replayed events (already in time order) into steps, and steps into ticks: all steps of one time.
 * Steps within a tick do not depend on each other (different users, same moment) and may run concurrently.
 */
export function groupSteps(replay: readonly ReplayEvent[]): Step[][] {
  const ticks: Step[][] = [];
  let tick: Step[] = [];
  let byUser = new Map<string, Step>();
  for (let i = 0; i < replay.length; i++) {
    const e = replay[i];
    if (tick.length > 0 && tick[0].ts !== e.ts) {
      ticks.push(tick);
      tick = [];
      byUser = new Map();
    }
    const step = byUser.get(e.user);
    if (step) step.events.push({ event: e, index: i });
    else {
      const s: Step = { user: e.user, ts: e.ts, events: [{ event: e, index: i }] };
      byUser.set(e.user, s);
      tick.push(s);
    }
  }
  if (tick.length > 0) ticks.push(tick);
  return ticks;
}

/**
 * Equal-count windows over the replay order: window w holds cases [bounds[w], bounds[w + 1]). Equal counts
 * give every window a comparable interval width; each window's time range is reported beside it.
 */
export function windowBounds(count: number, windows: number): number[] {
  const w = Math.max(1, Math.min(windows, count));
  return Array.from({ length: w + 1 }, (_, i) => Math.round((i * count) / w));
}
