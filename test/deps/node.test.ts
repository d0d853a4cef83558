import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { ConfigError } from "../../src/config";
import {
  buildCliDeps,
  buildNodeBaseDeps,
  buildNodeDeps,
  loadNodeConfig,
  type NodeDeps,
} from "../../src/deps/node.node";
import { nullLogger } from "../../src/ports/logger";
import { createTestApp, type TestApp } from "../helpers/app";
import { seedRecsysData } from "../recsys/fixtures";
import { expectComplete } from "./complete";

let t: TestApp;
let node: NodeDeps | undefined;
afterAll(() => {
  node?.stop();
  t?.cleanup();
});

describe("buildNodeDeps (the Node server's assembly)", () => {
  it("builds complete AppDeps from config, models loaded, and the app serves a feed over them", async () => {
    t = await createTestApp();
    await seedRecsysData(t, 40);
    // MODEL_REGISTRY=libsql: trained models go to the test database, not ./data/registry.
    const config = loadNodeConfig({
      NODE_ENV: "test",
      DATABASE_URL: t.url,
      MODEL_REGISTRY: "libsql",
      LOG_LEVEL: "silent",
      DEMO_DATA: "false",
    });
    node = await buildNodeDeps(config, { db: t.db, logger: nullLogger, refreshSeconds: 3600 });
    expectComplete(node.deps);
    expect(node.deps.config).toBe(config);
    expect(node.deps.recsys.ready).toBe(true);
    expect(node.deps.sessions).toBe(node.deps.recsys.o.sessions);
    expect(node.deps.vectors).toBe(node.deps.recsys.o.vectors);

    const res = await createApp(node.deps).request("/v1/feed?limit=5&session_id=deps_node_1");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });

  it("the primary's deps carry auth, the event log and a logger; the CLIs' the event log and a logger", () => {
    const config = loadNodeConfig({ NODE_ENV: "test", DATABASE_URL: t.url, LOG_LEVEL: "silent" });
    const primary = buildNodeBaseDeps(config, t.db, nullLogger);
    for (const key of ["config", "db", "clock", "newId", "logger", "auth", "events"] as const)
      expect(primary[key], key).toBeDefined();
    const cli = buildCliDeps(config, t.db);
    for (const key of ["config", "db", "clock", "newId", "logger", "events"] as const)
      expect(cli[key], key).toBeDefined();
    for (const deps of [primary, cli]) expect("recsys" in deps).toBe(false);
  });

  it("rejects bad config with a ConfigError naming the variable", () => {
    expect(() => loadNodeConfig({ LOG_LEVEL: "loud" })).toThrow(ConfigError);
    expect(() => loadNodeConfig({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
    // More than one process cannot share an in-process session store.
    expect(() => loadNodeConfig({ WEB_CONCURRENCY: "2", SESSION_STORE: "memory" })).toThrow(/SESSION_STORE/);
  });
});
