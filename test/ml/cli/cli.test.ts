import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadArtifact } from "../../../ml/artifacts/artifact-store.js";
import { loadModel } from "../../../ml/models/index.js";
import { createClient } from "@libsql/client";
import { JsonFileRegistry } from "../../../ml/registry/json-file-registry.js";
import { LibsqlModelRegistry } from "../../../ml/registry/libsql-registry.js";
import { plantedChains } from "../fixtures/synthetic.js";

const dir = mkdtempSync(join(tmpdir(), "ml-cli-"));
const dataset = join(dir, "Tiny.txt");
const d = plantedChains({ users: 150, chains: 5, chainLength: 6, seed: 2 });
writeFileSync(dataset, d.sequences.flatMap((s) => Array.from(s.items, (i) => `${s.user + 1} ${i + 1}`)).join("\n"));

function run(script: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, ["--import", "tsx", join("ml/cli", script), ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
}

/** The report without wall-clock fields (fit time, memory, latency legitimately vary run to run). */
function qualityOnly(path: string): unknown {
  const json = JSON.parse(readFileSync(path, "utf8")) as { reports: Record<string, unknown>[] };
  return json.reports.map((r) => ({
    model: r.model,
    metrics: r.metrics,
    coverage: r.coverage,
    avgPopularity: r.avgPopularity,
  }));
}

describe("eval CLI", () => {
  it("prints a table, writes JSON, and gives the same numbers for the same seed", () => {
    const args = [
      "--dataset",
      dataset,
      "--protocol",
      "sasrec",
      "--models",
      "popularity,covisitation",
      "--k",
      "5,10",
      "--seed",
      "3",
      "--bootstrap",
      "100",
      "--latency-requests",
      "20",
    ];
    const out1 = join(dir, "r1.json");
    const out2 = join(dir, "r2.json");
    const table = run("eval.ts", [...args, "--out", out1]);
    run("eval.ts", [...args, "--out", out2]);
    expect(table).toMatch(/covisitation\s+\d\.\d{4}/);
    expect(qualityOnly(out1)).toEqual(qualityOnly(out2));
    const report = JSON.parse(readFileSync(out1, "utf8")) as {
      reports: { model: string; metrics: Record<string, { value: number }>; segments: Record<string, unknown> }[];
    };
    // The baselines come first in every report, whatever --models asks for, and every report has segments.
    expect(report.reports.map((r) => r.model)).toEqual([
      "random",
      "popularity-plain",
      "popularity-decayed",
      "popularity",
      "covisitation",
    ]);
    expect(Object.keys(report.reports[0].segments)).toContain("long-history");
    expect(table).toMatch(/by segment/);
    const ndcg = (m: string): number => report.reports.find((r) => r.model === m)?.metrics["NDCG@10"].value ?? -1;
    // The planted chains make co-visitation far better than popularity.
    expect(ndcg("covisitation")).toBeGreaterThan(ndcg("popularity"));
  }, 60_000);

  it("fails with the file and line of bad input", () => {
    const bad = join(dir, "Bad.txt");
    writeFileSync(bad, "1 2\n1 3\nnot a line\n");
    expect(() => run("eval.ts", ["--dataset", bad, "--protocol", "sasrec"])).toThrow(new RegExp(`${bad}:3:`));
  }, 30_000);
});

describe("train CLI", () => {
  it("writes loadable artifacts and registers them", async () => {
    const outDir = join(dir, "models");
    const registryPath = join(dir, "registry.json");
    run("train.ts", [
      "--dataset",
      dataset,
      "--models",
      "covisitation,session-knn",
      "--out-dir",
      outDir,
      "--registry",
      registryPath,
    ]);
    const records = await new JsonFileRegistry(registryPath).list();
    expect(records.map((r) => r.model)).toEqual(["covisitation", "session-knn"]);
    for (const r of records) {
      expect(r.metrics["valid_NDCG@10"]).toBeGreaterThan(0);
      expect(r.data_window.interactions).toBeGreaterThan(0);
      const model = loadModel(loadArtifact(r.artifact_location));
      expect(model.scoreAll({ history: Int32Array.from([0]) }).length).toBe(30);
    }
  }, 60_000);

  it("registers into the database's model_registry table by default", async () => {
    const dbUrl = `file:${join(dir, "app.db")}`;
    run("train.ts", ["--dataset", dataset, "--models", "popularity", "--out-dir", join(dir, "models-db")], {
      DATABASE_URL: dbUrl,
    });
    const client = createClient({ url: dbUrl });
    const records = await new LibsqlModelRegistry(client).list();
    client.close();
    expect(records.map((r) => r.model)).toEqual(["popularity"]);
    expect(records[0].metrics["valid_NDCG@10"]).toBeGreaterThan(0);
    expect(
      loadModel(loadArtifact(records[0].artifact_location)).scoreAll({ history: Int32Array.from([0]) }).length,
    ).toBe(30);
  }, 60_000);
});

describe("presets", () => {
  it("expand into --param values that explicit --params override", async () => {
    const { modelParams, parseArgs } = await import("../../../ml/cli/args.js");
    const { PRESETS } = await import("../../../ml/cli/presets.js");
    const args = parseArgs(["--preset", "games-sasrec", "--param", "sasrec.maxEpochs=3"], ["preset", "param"]);
    const params = modelParams(args);
    expect(params.sasrec.maxEpochs).toBe("3");
    expect(params.hybrid.components).toContain("sasrec");
    expect(PRESETS["games-sasrec"].params.length).toBeGreaterThan(0);
    expect(() => modelParams(parseArgs(["--preset", "nope"], ["preset"]))).toThrow(/unknown preset/);
  });
});
