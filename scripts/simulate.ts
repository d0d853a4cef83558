/**
 * Simulated shoppers with hidden tastes against the HTTP API (issue 14.7): feed pages, position-biased clicks,
 * purchases and not-interested, reported as CTR / purchase rate per feed position, per model version and over
 * time. `--challenger` picks the model-selection scenario (scripts/lib/simulate/challenger.ts).
 *
 *   npm run simulate -- --url http://127.0.0.1:8787 [--shoppers 50] [--steps 20] [--seed 1] [--page-size 10]
 *     [--pages 2] [--concurrency 4] [--buckets 5] [--challenger none|random|better|failing] [--admin-key KEY]
 *     [--out file.json]
 *   npm run simulate -- --start ...   (starts its own server on a temp database with the demo catalog)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { renderChallengerChart } from "./lib/simulate/chart";
import { startNodeServer, type RunningServer } from "./lib/server-process";
import { CHALLENGERS, prepareChallenger, type ChallengerKind, type ChallengerState } from "./lib/simulate/challenger";
import {
  ChallengerTracker,
  deployFailing,
  registerChallenger,
  selectionOutcome,
} from "./lib/simulate/challenger-registry.node.js";
import type { CountsReport } from "./lib/simulate/outcomes";
import { simulateShoppers } from "./lib/simulate/run";
import { type ChallengerSample, summarizeChallenger, timelineTable } from "./lib/simulate/timeline";

const USAGE =
  "usage: npm run simulate -- (--url <server> | --start) [--shoppers N] [--steps N] [--seed N] [--page-size N] " +
  "[--pages N] [--concurrency N] [--buckets N] [--challenger none|random|better|failing] [--admin-key KEY] [--out file.json] [--render file.json]";

class UsageError extends Error {}

function int(name: string, v: string | undefined, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${v}"`);
  return n;
}

function table(title: string, rows: Record<string, CountsReport>, sort: (a: string, b: string) => number): string {
  const pct = (r: { rate: number; lo: number; hi: number }) =>
    Number.isNaN(r.rate)
      ? "-"
      : `${(100 * r.rate).toFixed(2)} [${(100 * r.lo).toFixed(2)}, ${(100 * r.hi).toFixed(2)}]`;
  const lines = [
    title,
    "| key | impressions | clicks | CTR % | purchases | purchase rate % | not interested |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const k of Object.keys(rows).sort(sort)) {
    const r = rows[k];
    lines.push(
      `| ${k} | ${r.impressions} | ${r.clicks} | ${pct(r.ctr)} | ${r.purchases} | ${pct(r.purchaseRate)} | ${r.notInterested} |`,
    );
  }
  return lines.join("\n");
}

async function waitForFeed(base: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${base}/v1/feed?limit=1`, { headers: { "x-session-id": "sim-probe-0" } });
    await res.text();
    if (res.status === 200) return;
    if (res.status !== 503 || Date.now() > deadline) throw new Error(`feed answered ${res.status} (server not ready)`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const svgPath = (json: string): string => json.replace(/\.json$/, "") + ".svg";

/** The challenger chart of a report, or null when the run had no challenger traffic to show. */
function chartOf(report: {
  challenger?: { kind?: string } | null;
  shoppers?: number;
  steps?: number;
  seed?: number;
  challengerTraffic?: Parameters<typeof renderChallengerChart>[1] | null;
}): string | null {
  if (!report.challengerTraffic) return null;
  const title = `Simulator: ${report.challenger?.kind ?? "?"} challenger (${report.shoppers} shoppers, ${report.steps} steps, seed ${report.seed})`;
  return renderChallengerChart(title, report.challengerTraffic);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      start: { type: "boolean", default: false },
      shoppers: { type: "string" },
      steps: { type: "string" },
      seed: { type: "string" },
      "page-size": { type: "string" },
      pages: { type: "string" },
      concurrency: { type: "string" },
      buckets: { type: "string" },
      challenger: { type: "string", default: "none" },
      "admin-key": { type: "string" },
      out: { type: "string" },
      render: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.render) {
    // Re-draws the challenger chart of a stored report (`--out` JSON) without running anything.
    const stored = JSON.parse(readFileSync(values.render, "utf8")) as Parameters<typeof chartOf>[0];
    const svg = chartOf(stored);
    if (!svg) throw new UsageError(`${values.render} has no challengerTraffic to draw`);
    writeFileSync(svgPath(values.render), svg);
    process.stderr.write(`[simulate] wrote ${svgPath(values.render)}\n`);
    return 0;
  }
  const log = (m: string) => process.stderr.write(`${m}\n`);
  if (!values.url === !values.start) throw new UsageError("give exactly one of --url <server> and --start");
  const challenger = values.challenger as ChallengerKind;
  if (!CHALLENGERS.includes(challenger)) throw new UsageError(`--challenger must be one of ${CHALLENGERS.join(", ")}`);
  const opts = {
    shoppers: int("shoppers", values.shoppers, 50, 1),
    steps: int("steps", values.steps, 20, 1),
    seed: int("seed", values.seed, 1, 0),
    pageSize: int("page-size", values["page-size"], 10, 1, 50),
    pages: int("pages", values.pages, 2, 1, 20),
    concurrency: int("concurrency", values.concurrency, 4, 1, 64),
    buckets: int("buckets", values.buckets, 5, 1),
  };

  let server: RunningServer | null = null;
  let dir: string | null = null;
  let tracker: ChallengerTracker | null = null;
  try {
    let base = values.url?.replace(/\/$/, "") ?? "";
    let databaseUrl: string | null = null;
    if (values.start) {
      dir = mkdtempSync(join(tmpdir(), "simulate-"));
      databaseUrl = `file:${join(dir, "sim.db")}`;
      log(`[simulate] starting a server on ${dir} with the demo catalog (trains at start)`);
      server = await startNodeServer(
        {
          DATABASE_URL: databaseUrl,
          DEMO_DATA: "true",
          LEARNER: "on",
          // Selection decides every few seconds, so a bad challenger's share falls within its first impressions.
          LEARNER_INTERVAL_SECONDS: "5",
          LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
        },
        900_000,
      );
      base = server.url;
    }
    await waitForFeed(base, 900_000);
    let state: ChallengerState;
    if (databaseUrl && challenger !== "none") {
      // Our own server: the challenger (or the bad deploy) lands after a warm-up, when the feed has logged
      // pages the learner can score a newcomer on, as a version published into a running marketplace would.
      state = { kind: challenger, applied: true, reason: "scheduled after the warm-up" };
    } else {
      const headers: Record<string, string> = values["admin-key"] ? { "x-api-key": values["admin-key"] } : {};
      state = await prepareChallenger(challenger, { base, headers });
      if (!state.applied) log(`[simulate] NOTE: challenger "${challenger}" not applied: ${state.reason}`);
    }
    // `random` / `better` register a not-live version a sixth of the way through; `failing` deploys a diverged
    // ranker live a third of the way through.
    const landAt = Math.floor(opts.steps / (challenger === "failing" ? 3 : 6));
    // random / better: the registered challenger's experiment is sampled after every round (its live share).
    let tracked: { version: string; registeredAt: number; samples: ChallengerSample[] } | null = null;
    tracker =
      databaseUrl && (challenger === "random" || challenger === "better")
        ? await ChallengerTracker.open(databaseUrl)
        : null;
    const onRound =
      databaseUrl && challenger !== "none"
        ? async (step: number, impressions: number): Promise<void> => {
            if (tracked && tracker) tracked.samples.push(await tracker.sample(step, impressions, tracked.version));
            if (step !== landAt) return;
            const url = databaseUrl as string;
            if (challenger === "failing") {
              const d = await deployFailing(url, opts.seed);
              state.reason = `after step ${step + 1}: deployed diverged ranker ${d.version} live over ${d.replaced}`;
            } else {
              const reg = await registerChallenger(challenger, url, opts.seed);
              state.reason = `after step ${step + 1}: registered ranker ${reg?.version} (not live) against champion ${reg?.champion}`;
              if (reg) tracked = { version: reg.version, registeredAt: impressions, samples: [] };
            }
            log(`[simulate] ${state.reason}`);
          }
        : undefined;
    const report = await simulateShoppers({ base, ...opts, log, onRound });
    const byNumber = (a: string, b: string) => Number(a) - Number(b);
    console.log(table("CTR / purchase rate per feed position (Wilson 95%)", report.byPosition, byNumber));
    console.log();
    console.log(table("per model version", report.byModelVersion, (a, b) => a.localeCompare(b)));
    console.log();
    console.log(table("over time (equal step buckets)", report.byBucket, byNumber));
    console.log();
    console.log(`mean hidden affinity of what was shown, per bucket: ${JSON.stringify(report.meanAffinityByBucket)}`);
    console.log(`events posted ${report.events.posted}, rejected ${JSON.stringify(report.events.rejected)}`);
    const selection = databaseUrl ? await selectionOutcome(databaseUrl) : null;
    if (selection) console.log(`selection (ranker): ${JSON.stringify(selection, null, 2)}`);
    const t = tracked as { version: string; registeredAt: number; samples: ChallengerSample[] } | null;
    let challengerTraffic: Parameters<typeof renderChallengerChart>[1] | null = null;
    if (t && tracker) {
      // One more sample after the last round: the cycle may have folded or decided since.
      await new Promise((r) => setTimeout(r, 6_000));
      t.samples.push(await tracker.sample(opts.steps, report.impressions, t.version));
      const summary = summarizeChallenger(t.version, t.registeredAt, t.samples, await tracker.decision(t.version));
      console.log();
      console.log(`challenger ${t.version}: live traffic after every round (selection store, folded each cycle)`);
      console.log(timelineTable(t.samples, Math.max(1, Math.ceil(t.samples.length / 30))));
      console.log();
      console.log(`challenger summary: ${JSON.stringify(summary, null, 2)}`);
      challengerTraffic = { summary, samples: t.samples };
    }
    const full = {
      generatedAt: new Date().toISOString(),
      server: values.start ? "started (demo catalog)" : base,
      challenger: state,
      ...report,
      selection,
      challengerTraffic,
    };
    if (values.out) {
      mkdirSync(dirname(values.out), { recursive: true });
      writeFileSync(values.out, `${JSON.stringify(full, null, 2)}\n`);
      log(`[simulate] wrote ${values.out}`);
      const svg = chartOf(full);
      if (svg) {
        writeFileSync(svgPath(values.out), svg);
        log(`[simulate] wrote ${svgPath(values.out)}`);
      }
    }
    return 0;
  } finally {
    tracker?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
