import { Agent, request } from "node:http";
import autocannon from "autocannon";

export interface LoadResult {
  name: string;
  p50: number;
  p99: number;
  rps: number;
  /** Requests completed in the run (for per-request CPU). */
  completed: number;
  errors: number;
  non2xx: number;
}

/**
 * One bounded autocannon run against a loopback server: a CLOSED loop, each connection sends its next
 * request when the previous answer arrives. Saturated, it gives the maximum req/s; its latency is mostly
 * queueing (about connections / throughput), not service time. `paths` are cycled request by request so a
 * search benchmark does not hit one cached plan. Latency figures are autocannon's (ms).
 */
export async function runLoad(opts: {
  name: string;
  url: string;
  paths: string[];
  connections: number;
  durationSec: number;
}): Promise<LoadResult> {
  let i = 0;
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.durationSec,
    requests: [
      {
        setupRequest: (req) => ({ ...req, path: opts.paths[i++ % opts.paths.length] }),
      },
    ],
  });
  return {
    name: opts.name,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    completed: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export interface PacedResult {
  name: string;
  /** Requests per second asked for. */
  offered: number;
  /** Requests completed per second, over the time from the first send to the last answer. */
  achieved: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  completed: number;
  errors: number;
  non2xx: number;
  /** The load generator's own CPU per completed request (ms): it shares the machine with the server. */
  clientCpuMsPerReq: number;
  /** With `keepSamples`: every completed request's latency (ms), ascending, to pool several runs. */
  samples?: number[];
}

/**
 * An OPEN loop at a fixed offered rate: request i is due at start + i/rate whatever happened to earlier
 * ones, and its latency is counted from that due time, not from when it was actually sent. So a slow
 * answer cannot hide the requests that would have queued behind it (no coordinated omission), and the
 * figure is what a user arriving at that rate sees: service time plus real queueing, not the artificial
 * queue of a saturated closed loop. Requests go out on up to `maxInFlight` keep-alive connections, taken
 * in FIFO order: the Agent's default (LIFO) kept reusing the one or two most recently freed sockets, and a
 * node:cluster server binds each connection to one worker, so one worker took most of the load while the
 * other idled (top, feed at 500 req/s: ~80% / ~7-30%). Real traffic comes on many client connections,
 * which the cluster spreads round-robin; FIFO over the pool does the same here (~60% / ~50%). Its effect
 * on the feed's p99 was within the host's noise (docs/benchmarks/serving.md, round 6).
 *
 * Not autocannon's `overallRate`: in autocannon 9 that is a per-second quota on the closed loop
 * (lib/httpClient.js: each connection sends back to back until `reqsMadeThisSecond` reaches its share, then
 * waits for a 1 s timer), so every second starts with a saturated burst and its p99 is the burst's queue.
 *
 * If the server cannot keep up, answers fall behind their due times: `achieved` drops below `offered`
 * and the latencies grow with the backlog; the caller must then report the rate as not sustained.
 */
export async function runPaced(opts: {
  name: string;
  url: string;
  paths: string[];
  rate: number;
  durationSec: number;
  maxInFlight?: number;
  timeoutMs?: number;
  keepSamples?: boolean;
}): Promise<PacedResult> {
  const target = new URL(opts.url);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.maxInFlight ?? 256, scheduling: "fifo" });
  const total = Math.max(1, Math.round(opts.rate * opts.durationSec));
  const interval = 1000 / opts.rate;
  const latency = new Float64Array(total).fill(Number.NaN);
  let completed = 0;
  let errors = 0;
  let non2xx = 0;
  let lastAnswer = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now() + 5;
  let next = 0;
  await new Promise<void>((resolve) => {
    let settled = 0;
    const done = (): void => {
      if (++settled === total) resolve();
    };
    const fire = (i: number): void => {
      const due = start + i * interval;
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: opts.paths[i % opts.paths.length],
          method: "GET",
          timeout: opts.timeoutMs ?? 10_000,
        },
        (res) => {
          res.resume();
          res.once("end", () => {
            const now = performance.now();
            latency[i] = now - due;
            lastAnswer = now;
            completed++;
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx++;
            done();
          });
        },
      );
      req.once("timeout", () => req.destroy(new Error("timeout")));
      req.once("error", () => {
        errors++;
        done();
      });
      req.end();
    };
    // Timers fire late by up to a few ms: every tick sends all requests already due (catch-up), and their
    // latency still counts from the due time, so timer lag is charged to the measurement, not hidden.
    const tick = (): void => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) fire(next++);
      if (next < total) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  agent.destroy();
  const cpu = process.cpuUsage(cpu0);
  const ok = Array.from(latency)
    .filter((x) => !Number.isNaN(x))
    .sort((a, b) => a - b);
  const pct = (p: number): number =>
    ok.length === 0 ? Number.NaN : Math.round(ok[Math.min(ok.length - 1, Math.ceil(p * ok.length) - 1)] * 10) / 10;
  const span = Math.max(opts.durationSec * 1000, lastAnswer - start);
  return {
    name: opts.name,
    offered: opts.rate,
    achieved: Math.round((completed / span) * 1000 * 10) / 10,
    p50: pct(0.5),
    p90: pct(0.9),
    p99: pct(0.99),
    max: pct(1),
    completed,
    errors,
    non2xx,
    clientCpuMsPerReq: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, completed)) * 1000) / 1000,
    ...(opts.keepSamples ? { samples: ok } : {}),
  };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
