import type { Config } from "../config";
import { nullLogger, type Logger } from "../ports/logger";

let warned = false;

/**
 * The secret better-auth signs cookies with. Production must set BETTER_AUTH_SECRET (config refuses
 * to load otherwise); development and tests derive a stable, clearly-insecure one from the database
 * URL so sessions survive restarts, and say so once.
 */
export function resolveAuthSecret(config: Config, logger: Logger = nullLogger): string {
  if (config.BETTER_AUTH_SECRET) return config.BETTER_AUTH_SECRET;
  if (config.NODE_ENV === "production") throw new Error("BETTER_AUTH_SECRET is required in production");
  if (!warned && config.NODE_ENV === "development") {
    warned = true;
    logger.warn("BETTER_AUTH_SECRET is not set: using a derived development-only secret. Never do this in production.");
  }
  return `insecure-dev-secret:${config.DATABASE_URL}`.padEnd(48, "#");
}

export function resolveAuthUrl(config: Config): string {
  return config.BETTER_AUTH_URL ?? `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${config.PORT}`;
}
