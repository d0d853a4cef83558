import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Guards are declared one way: in each route's createRoute definition (`middleware`). A guard attached with
 * `app.use` / `router.use` and a path pattern drifts from the routes it means to cover (issue 18), so none may
 * exist; and every /v1 route states its guard, public ones included (`requireScope(..., { anonymous: true })`).
 */
const root = join(import.meta.dirname, "../..");
const read = (p: string) => readFileSync(join(root, p), "utf8");
const v1 = readdirSync(join(root, "src/routes/v1"))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => `src/routes/v1/${f}`);
const GUARD = /\b(requireScope|requirePermission|requireUser)\b/;

describe("route guards live in route definitions", () => {
  it.each(["src/app.ts", "workers/serving.ts", "workers/api.ts", ...v1])("%s attaches no guard with .use()", (file) => {
    const uses = read(file)
      .split("\n")
      .filter((l) => /\.use\(/.test(l));
    expect(uses.filter((l) => GUARD.test(l))).toEqual([]);
  });

  it.each(v1)("every createRoute in %s declares its middleware", (file) => {
    const src = read(file);
    const routes = src.split("createRoute({").slice(1);
    for (const r of routes) {
      const body = r.slice(0, r.indexOf("\n});"));
      expect(body, body.slice(0, 120)).toMatch(/\n {2}middleware: /);
    }
  });
});
