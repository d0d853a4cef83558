import { expect } from "vitest";
import type { AppDeps } from "../../src/context";

/** Every AppDeps key: a runtime's deps are complete when each is set (the type says so; spreads can lie). */
export const APP_DEPS_KEYS = [
  "config",
  "db",
  "clock",
  "newId",
  "logger",
  "auth",
  "events",
  "sessions",
  "vectors",
  "recsys",
] as const satisfies readonly (keyof AppDeps)[];

export function expectComplete(deps: AppDeps): void {
  for (const key of APP_DEPS_KEYS) expect(deps[key], key).toBeDefined();
  for (const level of ["debug", "info", "warn", "error", "child"] as const)
    expect(deps.logger[level]).toBeTypeOf("function");
  expect(deps.clock()).toBeTypeOf("number");
  expect(deps.newId()).not.toBe(deps.newId());
}
