import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const importsOf = (file: string): string[] =>
  [...readFileSync(resolve(ROOT, file), "utf8").matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm)].map(
    (m) => m[1]!,
  );

describe("createApp (src/app.ts) takes finished deps", () => {
  it("imports no adapter, no assembly and nothing that builds a dependency", () => {
    const imports = importsOf("src/app.ts");
    expect(imports.length).toBeGreaterThan(5);
    const forbidden = imports.filter((p) =>
      /(^|\/)(adapters|deps|db|ingest|demo)\/|\.node(\.js)?$|\/auth\/auth$|\/services\/events\/event-log$|\/recsys\/(recsys|start)/.test(
        p,
      ),
    );
    expect(forbidden).toEqual([]);
  });

  it("has no AppDepsInput left to build deps from", () => {
    expect(readFileSync(resolve(ROOT, "src/context.ts"), "utf8")).not.toMatch(/AppDepsInput/);
    expect(readFileSync(resolve(ROOT, "src/app.ts"), "utf8")).not.toMatch(
      /AppDepsInput|createAuth|createDbEventLog|buildServingDeps/,
    );
  });
});
