import { enabled, type LogFields, type Logger, type LogLevel, type LogThreshold } from "../../ports/logger";

/**
 * The workerd logger: one JSON line per call through the console method of its level, which Workers Logs
 * and `wrangler tail` pick up with that level. The same line shape as the Node (pino) adapter: `level` name,
 * ISO `time`, bindings and fields, `msg`.
 *
 * Why not pino's browser build: it hands objects (not JSON lines) to the console with numeric levels unless
 * reconfigured, and would add pino to a bundle that needs thirty lines of it.
 */
export function createConsoleJsonLogger(options: {
  level: LogThreshold;
  /** Where a line goes (default: the console method of its level). */
  write?: (level: LogLevel, line: string) => void;
  now?: () => number;
}): Logger {
  const write = options.write ?? toConsole;
  const now = options.now ?? Date.now;
  const make = (bindings: LogFields): Logger => {
    const at =
      (level: LogLevel) =>
      (msg: string, fields?: LogFields): void => {
        if (!enabled(level, options.level)) return;
        const time = new Date(now()).toISOString();
        // Fields never override level/time/msg (they keep their first positions: easy to read in a tail).
        const line = Object.assign({ level, time }, bindings, fields, { level, time, msg });
        write(level, JSON.stringify(line, errorsAsObjects));
      };
    return {
      debug: at("debug"),
      info: at("info"),
      warn: at("warn"),
      error: at("error"),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return make({});
}

function toConsole(level: LogLevel, line: string): void {
  console[level](line);
}

/** JSON.stringify turns an Error into `{}`: keep what it says. */
function errorsAsObjects(_key: string, value: unknown): unknown {
  return value instanceof Error ? { type: value.name, message: value.message, stack: value.stack } : value;
}
