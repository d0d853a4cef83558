import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { timeOrderedId } from "../../src/context";
import { nullLogger } from "../../src/ports/logger";
import { LibsqlArtifactRegistry } from "../../src/recsys/models/libsql-artifact-registry";
import { PUBLISHED_MODELS } from "../../src/recsys/models/publish";
import { startNodeServing, type NodeServing } from "../../src/recsys/start.node";
import { createTestApp, type TestApp } from "../helpers/app";
import { seedRecsysData } from "./fixtures";

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups) c();
});

describe("startNodeServing with MODEL_REGISTRY=libsql", () => {
  it("trains missing models into the database's registry (no files), and a later start loads them without training", async () => {
    const t: TestApp = await createTestApp();
    cleanups.push(t.cleanup);
    await seedRecsysData(t, 40);
    const config = loadConfig({ DATABASE_URL: t.url, MODEL_REGISTRY: "libsql", LOG_LEVEL: "silent" });
    expect(config.MODEL_REGISTRY).toBe("libsql");
    const registryDir = join(t.dir, "registry");
    const start = (trainMissing: boolean): Promise<NodeServing> =>
      startNodeServing(
        { config, db: t.db, clock: Date.now, newId: timeOrderedId, logger: nullLogger },
        { registryDir, trainMissing, refreshSeconds: 3600 },
      );

    const first = await start(true);
    first.stop();
    const reg = new LibsqlArtifactRegistry(t.db.$client);
    for (const m of PUBLISHED_MODELS) expect(await reg.liveVersion(m), m).not.toBeNull();
    expect(existsSync(registryDir)).toBe(false);
    const components = first.recsys.models.components;

    const second = await start(false);
    second.stop();
    expect(second.recsys.models.components).toEqual(components);
    expect(second.recsys.models.components.popularity).toBe(await reg.liveVersion("popularity"));
  });

  it("is file by default and rejects an unknown value naming the variable", () => {
    expect(loadConfig({}).MODEL_REGISTRY).toBe("file");
    expect(() => loadConfig({ MODEL_REGISTRY: "s3" })).toThrow(/MODEL_REGISTRY/);
  });
});
