import autocannon from "autocannon";

export interface LoadResult {
  name: string;
  p50: number;
  p99: number;
  rps: number;
  errors: number;
  non2xx: number;
}

/**
 * One bounded autocannon run against a loopback server. `paths` are cycled request by request so a
 * search benchmark does not hit one cached plan. Latency figures are autocannon's (ms).
 */
export async function runLoad(opts: { name: string; url: string; paths: string[]; connections: number; durationSec: number }): Promise<LoadResult> {
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
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
