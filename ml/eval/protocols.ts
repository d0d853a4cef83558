import type { Query, Sequence, TrainData } from "../core/recommender.js";
import { Rng } from "../core/rng.js";
import type { OfficialSplit } from "../data/amazon-csv.js";
import type { HeldOutCase, InteractionLog } from "../data/interactions.js";

/** One evaluation request: rank `target` given `query`. */
export interface EvalCase {
  user: number;
  query: Query;
  target: number;
  /** Sampled protocol: the items to rank, target first. Absent: rank against all items. */
  candidates?: Int32Array;
}

/** A protocol's output: what the model may train on, and the held-out cases it is judged on. */
export interface EvalTask {
  protocol: string;
  train: TrainData;
  validation: EvalCase[];
  test: EvalCase[];
  /**
   * Training data for the test phase when refitting after tuning: train + the validation events (never a
   * test event). Hyper-parameters and blend weights are still learned with the `train`-only fit.
   */
  refitTrain: TrainData;
  /** Full ranking only: drop the query's own history items from the ranking. */
  excludeHistory: boolean;
  notes: string[];
}

export const PROTOCOLS = ["sasrec", "loo-full", "official", "session", "time"] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];

function trainData(log: InteractionLog, sequences: Sequence[]): TrainData {
  return {
    numItems: log.itemIds.length,
    numUsers: log.userIds.length,
    sequences,
    itemIds: log.itemIds,
    itemText: log.itemText,
  };
}

function prefix(seq: Sequence, end: number): Sequence {
  return { user: seq.user, items: seq.items.subarray(0, end), timestamps: seq.timestamps.subarray(0, end) };
}

function caseAt(seq: Sequence, end: number): EvalCase {
  const history = seq.items.slice(0, end);
  const timestamps = seq.timestamps.slice(0, end);
  const now = seq.timestamps[end] > 0 ? seq.timestamps[end] : undefined;
  return { user: seq.user, query: { history, timestamps, now }, target: seq.items[end] };
}

/**
 * Leave-one-out split as in the SASRec code: per user with at least 3 items, the last item is test, the
 * second last validation, the rest train; users with fewer items train only.
 */
function leaveOneOut(log: InteractionLog): { train: Sequence[]; refit: Sequence[]; evalUsers: Sequence[] } {
  const train: Sequence[] = [];
  const refit: Sequence[] = [];
  const evalUsers: Sequence[] = [];
  for (const seq of log.sequences) {
    if (seq.items.length < 3) {
      train.push(seq);
      refit.push(seq);
    } else {
      train.push(prefix(seq, seq.items.length - 2));
      refit.push(prefix(seq, seq.items.length - 1));
      evalUsers.push(seq);
    }
  }
  return { train, refit, evalUsers };
}

function sampleUsers(users: Sequence[], maxUsers: number, rng: Rng): Sequence[] {
  if (users.length <= maxUsers) return users;
  const idx = rng.shuffle(Int32Array.from(users, (_, i) => i)).subarray(0, maxUsers);
  return Array.from(idx)
    .sort((a, b) => a - b)
    .map((i) => users[i]);
}

/**
 * `n` items drawn uniformly (without replacement) from those the user never touched, after `positive`;
 * all of them when fewer than `n` exist (tiny catalogues), so sampling always terminates.
 */
function sampledCandidates(
  positive: number,
  touched: Set<number>,
  numItems: number,
  wanted: number,
  rng: Rng,
): Int32Array {
  let untouched = 0;
  for (let i = 0; i < numItems; i++) if (!touched.has(i)) untouched++;
  const n = Math.min(wanted, untouched);
  if (n === untouched) {
    const out = [positive];
    for (let i = 0; i < numItems; i++) if (!touched.has(i)) out.push(i);
    return Int32Array.from(out);
  }
  const out = new Int32Array(n + 1);
  out[0] = positive;
  const chosen = new Set<number>();
  for (let j = 1; j <= n; j++) {
    let c: number;
    do c = rng.int(numItems);
    while (touched.has(c) || chosen.has(c));
    chosen.add(c);
    out[j] = c;
  }
  return out;
}

export interface SasrecOptions {
  seed: number;
  /** The original code evaluates 10,000 random users when there are more. */
  maxUsers?: number;
  negatives?: number;
}

/** SASRec protocol: leave-one-out, the target ranked against 100 sampled never-touched items. */
export function sasrecProtocol(log: InteractionLog, options: SasrecOptions): EvalTask {
  const rng = new Rng(options.seed);
  const maxUsers = options.maxUsers ?? 10_000;
  const negatives = options.negatives ?? 100;
  const { train, refit, evalUsers } = leaveOneOut(log);
  const picked = sampleUsers(evalUsers, maxUsers, rng.fork(1));
  const negRng = rng.fork(2);
  const numItems = log.itemIds.length;
  const validation: EvalCase[] = [];
  const test: EvalCase[] = [];
  for (const seq of picked) {
    const n = seq.items.length;
    const touched = new Set<number>(seq.items);
    const v = caseAt(seq, n - 2);
    v.candidates = sampledCandidates(v.target, touched, numItems, negatives, negRng);
    validation.push(v);
    const t = caseAt(seq, n - 1);
    t.candidates = sampledCandidates(t.target, touched, numItems, negatives, negRng);
    test.push(t);
  }
  return {
    protocol: "sasrec",
    train: trainData(log, train),
    refitTrain: trainData(log, refit),
    validation,
    test,
    excludeHistory: false,
    notes: [
      `leave-one-out; target ranked against ${negatives} items sampled uniformly from those the user never touched`,
      `${picked.length} of ${evalUsers.length} eligible users evaluated (random, seeded)`,
    ],
  };
}

export interface LooFullOptions {
  seed: number;
  /** Evaluate at most this many random users (all by default). */
  maxUsers?: number;
}

/** Leave-one-out split, target ranked against all items except the items in the query's history. */
export function looFullProtocol(log: InteractionLog, options: LooFullOptions): EvalTask {
  const rng = new Rng(options.seed);
  const { train, refit, evalUsers } = leaveOneOut(log);
  const picked = sampleUsers(evalUsers, options.maxUsers ?? Number.POSITIVE_INFINITY, rng.fork(1));
  return {
    protocol: "loo-full",
    train: trainData(log, train),
    refitTrain: trainData(log, refit),
    validation: picked.map((s) => caseAt(s, s.items.length - 2)),
    test: picked.map((s) => caseAt(s, s.items.length - 1)),
    excludeHistory: true,
    notes: [
      "leave-one-out; full ranking over all items; the user's own history items are excluded from the ranking (standard)",
      `${picked.length} of ${evalUsers.length} eligible users evaluated`,
    ],
  };
}

function fromHeldOut(c: HeldOutCase): EvalCase {
  return {
    user: c.user,
    query: { history: c.history, timestamps: c.historyTimestamps, now: c.timestamp > 0 ? c.timestamp : undefined },
    target: c.target,
  };
}

/** The Amazon 2023 benchmark split files as given; full ranking, history items excluded. */
export function officialProtocol(split: OfficialSplit, options: { seed: number; maxUsers?: number }): EvalTask {
  const rng = new Rng(options.seed);
  const pick = <T>(cases: T[]): T[] => {
    const max = options.maxUsers ?? Number.POSITIVE_INFINITY;
    if (cases.length <= max) return cases;
    const idx = rng.shuffle(Int32Array.from(cases, (_, i) => i)).subarray(0, max);
    return Array.from(idx)
      .sort((a, b) => a - b)
      .map((i) => cases[i]);
  };
  const trainItems = new Set<number>();
  for (const s of split.train.sequences) for (const i of s.items) trainItems.add(i);
  const coldTest = split.test.filter((c) => !trainItems.has(c.target)).length;
  // Refit data: each user's train sequence extended with their validation event(s), in time order.
  const extra = new Map<number, HeldOutCase[]>();
  for (const c of split.valid) extra.set(c.user, [...(extra.get(c.user) ?? []), c]);
  const refit = split.train.sequences.map((s): Sequence => {
    const more = extra.get(s.user);
    if (more === undefined) return s;
    return {
      user: s.user,
      items: Int32Array.from([...s.items, ...more.map((c) => c.target)]),
      timestamps: Float64Array.from([...s.timestamps, ...more.map((c) => c.timestamp)]),
    };
  });
  return {
    protocol: "official",
    train: trainData(split.train, split.train.sequences),
    refitTrain: trainData(split.train, refit),
    validation: pick(split.valid.map(fromHeldOut)),
    test: pick(split.test.map(fromHeldOut)),
    excludeHistory: true,
    notes: [
      `official split files ${split.files.train} (+ .valid/.test); history from the files' history column when present`,
      "full ranking over all items; the query's history items are excluded from the ranking",
      `${coldTest} of ${split.test.length} test targets never occur in train (counted as misses unless a model can score them)`,
    ],
  };
}

export interface SessionOptions {
  seed: number;
  gapMinutes: number;
  /** Fraction of sessions (latest by start time) for test, and the same again for validation. */
  testFraction?: number;
  maxCases?: number;
}

/**
 * Session protocol: sequences are cut into sessions wherever two events are more than `gapMinutes` apart;
 * the latest sessions by start time are test, the ones before validation, the rest train. Every position of
 * every held-out session (length >= 2) is a case: the session prefix predicts the next item. Held-out items
 * never seen in training are dropped from held-out sessions (standard for session-based evaluation).
 */
export function sessionProtocol(log: InteractionLog, options: SessionOptions): EvalTask {
  if (!log.hasTimestamps)
    throw new Error(`${log.source}: the session protocol needs timestamps; this data set has none`);
  const gapMs = options.gapMinutes * 60_000;
  const sessions: Sequence[] = [];
  for (const seq of log.sequences) {
    let start = 0;
    for (let j = 1; j <= seq.items.length; j++) {
      if (j === seq.items.length || seq.timestamps[j] - seq.timestamps[j - 1] > gapMs) {
        sessions.push({
          user: seq.user,
          items: seq.items.subarray(start, j),
          timestamps: seq.timestamps.subarray(start, j),
        });
        start = j;
      }
    }
  }
  const order = sessions
    .map((_, i) => i)
    .sort((a, b) => sessions[a].timestamps[0] - sessions[b].timestamps[0] || a - b);
  const fraction = options.testFraction ?? 0.1;
  const nTest = Math.max(1, Math.floor(order.length * fraction));
  const trainIdx = order.slice(0, order.length - 2 * nTest);
  const validIdx = order.slice(order.length - 2 * nTest, order.length - nTest);
  const testIdx = order.slice(order.length - nTest);
  const train = trainIdx.map((i) => sessions[i]);
  const known = new Set<number>();
  for (const s of train) for (const i of s.items) known.add(i);
  const casesOf = (idx: number[]): EvalCase[] => {
    const out: EvalCase[] = [];
    for (const i of idx) {
      const s = sessions[i];
      const keep = Array.from(s.items.keys()).filter((j) => known.has(s.items[j]));
      const seq: Sequence = {
        user: s.user,
        items: Int32Array.from(keep, (j) => s.items[j]),
        timestamps: Float64Array.from(keep, (j) => s.timestamps[j]),
      };
      for (let end = 1; end < seq.items.length; end++) out.push(caseAt(seq, end));
    }
    return out;
  };
  const rng = new Rng(options.seed);
  const cap = (cases: EvalCase[]): EvalCase[] => {
    const max = options.maxCases ?? Number.POSITIVE_INFINITY;
    if (cases.length <= max) return cases;
    const idx = rng.shuffle(Int32Array.from(cases, (_, i) => i)).subarray(0, max);
    return Array.from(idx)
      .sort((a, b) => a - b)
      .map((i) => cases[i]);
  };
  const validation = cap(casesOf(validIdx));
  const test = cap(casesOf(testIdx));
  return {
    protocol: "session",
    train: trainData(log, train),
    refitTrain: trainData(log, [...train, ...validIdx.map((i) => sessions[i])]),
    validation,
    test,
    excludeHistory: false,
    notes: [
      `sessions cut at gaps > ${options.gapMinutes} min: ${sessions.length} sessions; latest ${nTest} by start time test, ${nTest} before validation`,
      "every position of each held-out session is a case; full ranking, history not excluded (repeat views are legitimate)",
      "held-out items unseen in training are dropped from held-out sessions",
    ],
  };
}

export interface TimeSplitOptions {
  seed: number;
  /** Share of events (latest by time) whose window is validation, and the same again for test. */
  heldOutFraction?: number;
  /** Evaluate at most this many random users per held-out window (all by default). */
  maxUsers?: number;
}

/**
 * Global time split: the cut-offs t1 < t2 are the event-time quantiles leaving `heldOutFraction` of the
 * events after t2 (test window) and as many in [t1, t2) (validation window). Train = every event before t1.
 * A validation case is a user's first event in the validation window, its history the user's train events;
 * a test case is a user's first event in the test window, its history every earlier event of the user. Users
 * and items first seen in a window are cold, as in production: nothing is filtered. Full ranking, history
 * excluded.
 */
export function timeProtocol(log: InteractionLog, options: TimeSplitOptions): EvalTask {
  if (!log.hasTimestamps) throw new Error(`${log.source}: the time protocol needs timestamps; this data set has none`);
  const fraction = options.heldOutFraction ?? 0.1;
  const times: number[] = [];
  for (const s of log.sequences) for (const t of s.timestamps) times.push(t);
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  const t1 = at(1 - 2 * fraction);
  const t2 = at(1 - fraction);
  const train: Sequence[] = [];
  const refit: Sequence[] = [];
  const validation: EvalCase[] = [];
  const test: EvalCase[] = [];
  for (const seq of log.sequences) {
    const before = (t: number): number => {
      let j = 0;
      while (j < seq.items.length && seq.timestamps[j] < t) j++;
      return j;
    };
    const n1 = before(t1);
    const n2 = before(t2);
    if (n1 > 0) train.push(prefix(seq, n1));
    if (n2 > 0) refit.push(prefix(seq, n2));
    if (n1 < n2) {
      const c = caseAt(seq, n1);
      c.query.now = seq.timestamps[n1];
      validation.push(c);
    }
    if (n2 < seq.items.length) {
      const c = caseAt(seq, n2);
      c.query.now = seq.timestamps[n2];
      test.push(c);
    }
  }
  const rng = new Rng(options.seed);
  const pick = (cases: EvalCase[]): EvalCase[] => {
    const max = options.maxUsers ?? Number.POSITIVE_INFINITY;
    if (cases.length <= max) return cases;
    const idx = rng.shuffle(Int32Array.from(cases, (_, i) => i)).subarray(0, max);
    return Array.from(idx)
      .sort((a, b) => a - b)
      .map((i) => cases[i]);
  };
  const known = new Set<number>();
  for (const s of train) for (const i of s.items) known.add(i);
  const pickedTest = pick(test);
  const coldTest = pickedTest.filter((c) => !known.has(c.target)).length;
  const noHistory = pickedTest.filter((c) => c.query.history.length === 0).length;
  const iso = (t: number): string => new Date(t).toISOString().slice(0, 10);
  return {
    protocol: "time",
    train: trainData(log, train),
    refitTrain: trainData(log, refit),
    validation: pick(validation),
    test: pickedTest,
    excludeHistory: true,
    notes: [
      `global time split: train before ${iso(t1)}, validation window to ${iso(t2)}, test after (${fraction * 100}% of events each window); each user's first event in a window is a case`,
      `${coldTest} of ${pickedTest.length} test targets never occur in train; ${noHistory} test users have no history`,
      "full ranking over all items; the query's history items are excluded from the ranking",
    ],
  };
}

/** A sparser log: each user keeps only their first `n` events (most later items become cold). */
export function firstEventsOnly(log: InteractionLog, n: number): InteractionLog {
  return {
    ...log,
    source: `${log.source} (first ${n} events per user)`,
    sequences: log.sequences.map((s) => prefix(s, Math.min(n, s.items.length))),
  };
}

/** A sparser log: each event kept with probability `keep` (seeded), like a lower-core crawl of the same users. */
export function thinEvents(log: InteractionLog, keep: number, seed: number): InteractionLog {
  const rng = new Rng(seed ^ 0x7417);
  const sequences = log.sequences.map((s): Sequence => {
    const idx: number[] = [];
    for (let j = 0; j < s.items.length; j++) if (rng.next() < keep) idx.push(j);
    return {
      user: s.user,
      items: Int32Array.from(idx, (j) => s.items[j]),
      timestamps: Float64Array.from(idx, (j) => s.timestamps[j]),
    };
  });
  return { ...log, source: `${log.source} (${keep * 100}% of events kept)`, sequences };
}
