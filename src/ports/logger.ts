/**
 * Logger port: structured log lines, one JSON object per line with `level`, `time` and `msg` plus fields.
 * Built once per runtime from LOG_LEVEL (src/deps/) and handed around in AppDeps. Adapters: pino on Node
 * (src/adapters/logger/pino.node.ts), console JSON in workerd (src/adapters/logger/console-json.ts).
 */

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** What LOG_LEVEL accepts: a level (that one and above are written) or `silent` (nothing is). */
export type LogThreshold = LogLevel | "silent";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose every line also carries `bindings` (e.g. `{ component: "scheduler" }`). */
  child(bindings: LogFields): Logger;
}

/** True when a line at `level` is written under `threshold`. */
export function enabled(level: LogLevel, threshold: LogThreshold): boolean {
  return threshold !== "silent" && LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(threshold);
}

/** Writes nothing: tests and callers that must stay quiet whatever LOG_LEVEL says. */
export const nullLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => nullLogger,
};

/**
 * The function-shaped log recsys (bootstrap, Recsys, publish) takes. Kept so those modules, being changed in
 * parallel, keep their signature; entries pass `logAt(deps.logger)`. New code takes a Logger.
 */
export type Log = (msg: string, fields?: LogFields) => void;

/**
 * A `Log` writing through `logger` at `level`, or at the level a call names in a `level` field (the shape
 * the console JSON lines had: `log("…", { level: "error", … })`).
 */
export const logAt =
  (logger: Logger, level: LogLevel = "info"): Log =>
  (msg, fields) => {
    const named = fields?.level;
    if (typeof named === "string" && (LOG_LEVELS as readonly string[]).includes(named)) {
      const { level: _, ...rest } = fields as LogFields;
      logger[named as LogLevel](msg, rest);
    } else logger[level](msg, fields);
  };

/** The message of an unknown thrown value, for a log field. */
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
