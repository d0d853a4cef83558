import pino, { type DestinationStream } from "pino";
import type { LogFields, Logger, LogThreshold } from "../../ports/logger";

/**
 * The Node logger: pino writing JSON lines (`level` as its name, ISO `time`, `pid`, `msg`) synchronously to
 * stdout, so lines written just before `process.exit` are not lost. CLIs pass `destination: 2` (stderr) to
 * keep stdout for their results; tests pass a stream that collects the lines.
 */
export function createPinoLogger(options: { level: LogThreshold; destination?: 1 | 2 | DestinationStream }): Logger {
  const dest = options.destination ?? 1;
  const stream = typeof dest === "number" ? pino.destination({ dest, sync: true }) : dest;
  return wrap(
    pino(
      {
        level: options.level,
        base: { pid: process.pid },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      stream,
    ),
  );
}

function wrap(p: pino.Logger): Logger {
  // pino takes the fields first and the message second; with no fields it must get the message alone.
  const at =
    (level: "debug" | "info" | "warn" | "error") =>
    (msg: string, fields?: LogFields): void =>
      fields ? p[level](fields, msg) : p[level](msg);
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (bindings) => wrap(p.child(bindings)),
  };
}
