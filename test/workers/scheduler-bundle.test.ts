import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
// The bundler `wrangler deploy` (and `npm run deploy:dry`) uses, with the conditions it resolves for workerd.
const esbuild = createRequire(createRequire(import.meta.url).resolve("wrangler/package.json"))(
  "esbuild",
) as typeof import("esbuild");

describe("scheduler Worker bundle", () => {
  it("runs without nodejs_compat: no Node built-in is imported anywhere in its bundle", async () => {
    expect(readFileSync(resolve(ROOT, "workers/scheduler.wrangler.toml"), "utf8")).not.toMatch(/nodejs_compat/);
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ["workers/scheduler.ts"],
      bundle: true,
      write: false,
      metafile: true,
      format: "esm",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["browser", "module", "main"],
      external: ["node:*", "cloudflare:*"],
      logLevel: "silent",
    });
    const nodeImports = Object.entries(result.metafile.inputs).flatMap(([file, input]) =>
      input.imports.filter((i) => i.path.startsWith("node:")).map((i) => `${file} -> ${i.path}`),
    );
    expect(nodeImports).toEqual([]);
    // What used to pull node:worker_threads in: the model zoo behind bootstrap.ts.
    expect(Object.keys(result.metafile.inputs).filter((f) => f.startsWith("ml/models/"))).toEqual([]);
  }, 60_000);
});
