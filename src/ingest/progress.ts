/** Throttled progress line (rows, rows/s, bytes): at most one message per interval, so logging never costs throughput. */
export interface ProgressReporter {
  update(rows: number, bytesRead?: number): void;
  done(rows: number): void;
}

export function createProgressReporter(
  label: string,
  log: ((message: string) => void) | undefined,
  opts: { intervalMs?: number; totalBytes?: number; now?: () => number } = {},
): ProgressReporter {
  const now = opts.now ?? (() => performance.now());
  const interval = opts.intervalMs ?? 2_000;
  const start = now();
  let last = start;
  let bytes = 0;
  const write = (rows: number, final: boolean) => {
    if (!log) return;
    const secs = Math.max((now() - start) / 1000, 1e-3);
    const pct = opts.totalBytes && bytes > 0 && !final ? ` ${((100 * bytes) / opts.totalBytes).toFixed(1)}%` : "";
    log(
      `[ingest] ${label}:${pct} ${rows} rows, ${Math.round(rows / secs)} rows/s, ${secs.toFixed(1)} s${final ? " (done)" : ""}`,
    );
  };
  return {
    update(rows, bytesRead) {
      if (bytesRead !== undefined) bytes = bytesRead;
      const t = now();
      if (t - last >= interval) {
        last = t;
        write(rows, false);
      }
    },
    done(rows) {
      write(rows, true);
    },
  };
}
