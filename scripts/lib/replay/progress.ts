/** Progress lines on stderr: percent, rate and ETA, at most one per `everyMs` (and one at the end). */
export interface Progress {
  tick(done: number): void;
  finish(done: number): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function progressLine(label: string, done: number, total: number, elapsedMs: number, unit: string): string {
  const pct = total > 0 ? (100 * done) / total : 100;
  const rate = done / Math.max(elapsedMs / 1000, 1e-3);
  const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
  return `${label} ${pct.toFixed(1)}% ${done}/${total} ${unit} · ${rate.toFixed(1)} ${unit}/s · ETA ${formatDuration(eta)}`;
}

export function createProgress(
  label: string,
  total: number,
  unit: string,
  write: (line: string) => void,
  everyMs = 2000,
  now: () => number = Date.now,
): Progress {
  const started = now();
  let last = started;
  return {
    tick(done) {
      const t = now();
      if (t - last < everyMs) return;
      last = t;
      write(progressLine(label, done, total, t - started, unit));
    },
    finish(done) {
      write(
        `${progressLine(label, done, total, now() - started, unit)} · done in ${formatDuration((now() - started) / 1000)}`,
      );
    },
  };
}
