import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * HTTP stays in src/http and src/routes (issue 18): services, recsys, auth, domain and the rest of src import
 * neither Hono nor the HTTP layer; they throw domain errors (src/domain/errors.ts) that src/http/errors.ts maps.
 * Composition roots (src/app.ts, src/server/) assemble the HTTP app and are exempt, and so is src/web/ (the
 * storefront's pages: an HTTP layer beside src/routes, calling the same services).
 */
const src = join(import.meta.dirname, "../../src");
const exempt = [/^http\//, /^routes\//, /^web\//, /^app\.ts$/, /^server\//];
const HTTP_IMPORT = /^\s*(?:import|export)[^;]*?from\s+"((?:@?hono)[^"]*|[^"]*\/http\/[^"]*)"/gm;

function* tsFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* tsFiles(p);
    else if (e.name.endsWith(".ts")) yield p;
  }
}

describe("HTTP only in src/http and src/routes", () => {
  const files = [...tsFiles(src)].map((p) => relative(src, p)).filter((f) => !exempt.some((re) => re.test(f)));

  it("checks the domain side of the code base", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain("services/orders/checkout.ts");
  });

  it("no module outside them imports Hono or src/http", () => {
    const offenders = files.flatMap((f) =>
      [...readFileSync(join(src, f), "utf8").matchAll(HTTP_IMPORT)].map((m) => `${f}: ${m[1]}`),
    );
    expect(offenders).toEqual([]);
  });
});
