/**
 * Replay benchmark (issue 14.6): trains on a data set's events before a split, plays the later events in time
 * order through the real HTTP API of a real server, asks for recommendations before each next event and scores
 * them (HR@k, NDCG@k per time window, 95% intervals), once with the loop frozen (LEARNER=off) and once with it
 * on, and writes JSON + an SVG chart.
 *
 *   npm run replay -- --dataset <file> [--dataset <file>...] [--items <file>...] [--split 0.8|<time>|files]
 *     [--users N] [--seed 1] [--windows 5] [--k 10] [--surface feed|session|both] [--prime 20]
 *     [--event-type purchase] [--learner-interval 2] [--wall-seconds auto] [--concurrency 4]
 *     [--modes off,on] [--out docs/benchmarks/replay-<name>] [--keep] [--json]
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { parseArgs } from "node:util";
import { renderChart } from "./lib/replay/chart";
import { DatasetError, readDataset, subsampleUsers } from "./lib/replay/dataset";
import { buildComparison, formatComparison, type WindowReport } from "./lib/replay/report";
import {
  REPLAY_EVENT_TYPES,
  runReplay,
  SURFACES,
  type Mode,
  type ReplayEventType,
  type RunResult,
  type Surface,
} from "./lib/replay/run";
import { parseSplit, SplitError, splitEvents } from "./lib/replay/split";
import { windowBounds } from "./lib/replay/split";

const USAGE =
  "usage: npm run replay -- --dataset <file> [--dataset <file>...] [--items <file>...] [--split 0.8|<ms|ISO|position>|files] " +
  "[--users N] [--seed N] [--windows N] [--k N] [--surface feed|session|both] [--prime N] [--event-type purchase] " +
  "[--learner-interval S] [--wall-seconds S|auto] [--concurrency N] [--modes off,on] [--out <path prefix>] [--keep] [--json]" +
  " | --render <report.json>";

class UsageError extends Error {}

function int(name: string, v: string | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${v}"`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      dataset: { type: "string", multiple: true },
      items: { type: "string", multiple: true },
      split: { type: "string", default: "0.8" },
      users: { type: "string" },
      seed: { type: "string" },
      windows: { type: "string" },
      k: { type: "string" },
      surface: { type: "string", default: "both" },
      prime: { type: "string" },
      "event-type": { type: "string", default: "purchase" },
      "learner-interval": { type: "string" },
      "wall-seconds": { type: "string", default: "auto" },
      concurrency: { type: "string" },
      modes: { type: "string", default: "off,on" },
      out: { type: "string" },
      keep: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      render: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const log = (m: string) => process.stderr.write(`${m}\n`);
  if (values.render) return rerender(values.render, log);
  if (!values.dataset?.length) throw new UsageError("--dataset is required");
  const seed = int("seed", values.seed, 1, 0);
  const windows = int("windows", values.windows, 5, 1);
  const k = int("k", values.k, 10, 1);
  const prime = int("prime", values.prime, 20, 0);
  const learnerInterval = int("learner-interval", values["learner-interval"], 2, 1);
  const concurrency = int("concurrency", values.concurrency, 4, 1);
  const surfaces: Surface[] =
    values.surface === "both"
      ? [...SURFACES]
      : SURFACES.includes(values.surface as Surface)
        ? [values.surface as Surface]
        : [];
  if (surfaces.length === 0) throw new UsageError(`--surface must be feed, session or both, got "${values.surface}"`);
  const eventType = values["event-type"] as ReplayEventType;
  if (!REPLAY_EVENT_TYPES.includes(eventType))
    throw new UsageError(`--event-type must be one of ${REPLAY_EVENT_TYPES.join(", ")}`);
  const modes = values.modes.split(",").map((m) => m.trim()) as Mode[];
  if (modes.length === 0 || modes.some((m) => m !== "off" && m !== "on"))
    throw new UsageError(`--modes must list off and/or on`);
  // Default pacing: every window spans at least 3 learner intervals of wall time, so the loop gets several
  // cycles per window whatever the data's own time span (years, or a few sequence positions).
  const wallSeconds =
    values["wall-seconds"] === "auto"
      ? windows * 3 * learnerInterval
      : int("wall-seconds", values["wall-seconds"], 0, 0);

  const spec = parseSplit(values.split);
  const dataset = await readDataset(values.dataset);
  const users = values.users === undefined ? undefined : int("users", values.users, 0, 1);
  const events = users === undefined ? dataset.events : subsampleUsers(dataset.events, users, seed);
  const split = splitEvents(events, spec);
  const timeLabel = (t: number) => (dataset.hasTimestamps ? new Date(t).toISOString().slice(0, 10) : `pos ${t}`);
  log(
    `[replay] ${dataset.files.map((f) => `${basename(f.path)} [${f.format}] ${f.events} events`).join(", ")}` +
      `${users === undefined ? "" : `; subsample of ${users} users (seed ${seed}): ${events.length} events`}` +
      `; history ${split.history.length}, replay ${split.replay.length} from ${timeLabel(split.cut)}` +
      `; ${windows} windows, wall clock ≥ ${wallSeconds} s per run, learner every ${learnerInterval} s`,
  );

  const runs: Partial<Record<Mode, RunResult>> = {};
  for (const mode of modes) {
    runs[mode] = await runReplay({
      mode,
      split,
      itemFiles: values.items ?? [],
      surfaces,
      k,
      prime,
      eventType,
      learnerIntervalSeconds: learnerInterval,
      wallSeconds,
      concurrency,
      log,
      keep: values.keep,
    });
    const r = runs[mode];
    log(
      `[replay ${mode}] ${r.requests} requests in ${(r.wallMs / 1000).toFixed(1)} s; model versions ${JSON.stringify(r.modelVersions)}; rejected ${JSON.stringify(r.rejected)}`,
    );
  }

  const times = split.replay.map((e) => e.ts);
  const { windows: perWindow, overall } = buildComparison({ k, surfaces, windows, times, runs, seed });
  const table = formatComparison(perWindow, overall, k, timeLabel);
  console.log(table);

  const name =
    values.out ??
    `docs/benchmarks/replay-${basename(values.dataset[0])
      .replace(/\.(csv|jsonl|txt)(\.gz)?$/i, "")
      .replace(/[^A-Za-z0-9_.-]/g, "_")}${users ? `-u${users}` : ""}`;
  const last = perWindow[perWindow.length - 1];
  const report = {
    generatedAt: new Date().toISOString(),
    commit: gitCommit(),
    command: `npm run replay -- ${process.argv.slice(2).join(" ")}`,
    dataset: {
      files: dataset.files,
      hasTimestamps: dataset.hasTimestamps,
      clock: dataset.hasTimestamps ? "unix ms" : "per-user sequence position",
      subsampleUsers: users ?? null,
      events: events.length,
      users: new Set(events.map((e) => e.user)).size,
      items: new Set(events.map((e) => e.item)).size,
    },
    split: { spec: values.split, cut: split.cut, history: split.history.length, replay: split.replay.length },
    config: {
      k,
      surfaces,
      windows,
      windowBounds: windowBounds(times.length, windows),
      prime,
      eventType,
      learnerIntervalSeconds: learnerInterval,
      wallSeconds,
      concurrency,
      seed,
    },
    runs: Object.fromEntries(
      Object.entries(runs).map(([m, r]) => [
        m,
        {
          startMs: r.startMs,
          wallMs: r.wallMs,
          requests: r.requests,
          rejected: r.rejected,
          modelVersions: r.modelVersions,
        },
      ]),
    ),
    windows: perWindow,
    overall,
    lastWindowHrRatio: Object.fromEntries(
      surfaces.map((s) => {
        const m = last.metrics[s]?.hr;
        return [s, m?.on && m.off && m.off.mean > 0 ? m.on.mean / m.off.mean : null];
      }),
    ),
  };
  mkdirSync(dirname(name), { recursive: true });
  writeFileSync(`${name}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(
    `${name}.svg`,
    renderChart(
      `Replay ${basename(values.dataset[0])}${users ? ` (${users} users)` : ""}: split ${values.split}`,
      perWindow,
      surfaces,
      k,
      timeLabel,
    ),
  );
  log(`[replay] wrote ${name}.json and ${name}.svg`);
  if (values.json) console.log(JSON.stringify(report));
  return 0;
}

/** `--render <report.json>`: draws the chart of an earlier run again (same name, .svg) without replaying. */
function rerender(path: string, log: (m: string) => void): number {
  const r = JSON.parse(readFileSync(path, "utf8")) as {
    dataset: { hasTimestamps: boolean; files: { path: string }[]; subsampleUsers: number | null };
    split: { spec: string };
    config: { k: number; surfaces: Surface[] };
    windows: WindowReport[];
  };
  const timeLabel = (t: number) => (r.dataset.hasTimestamps ? new Date(t).toISOString().slice(0, 10) : `pos ${t}`);
  const users = r.dataset.subsampleUsers;
  const out = path.replace(/\.json$/, ".svg");
  writeFileSync(
    out,
    renderChart(
      `Replay ${basename(r.dataset.files[0].path)}${users ? ` (${users} users)` : ""}: split ${r.split.spec}`,
      r.windows,
      r.config.surfaces,
      r.config.k,
      timeLabel,
    ),
  );
  log(`[replay] wrote ${out}`);
  return 0;
}

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof SplitError || e instanceof DatasetError) {
      process.stderr.write(`error: ${e.message}\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
