import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomId } from "../../src/context";
import { ensureDemoAccounts } from "../../src/demo/demo-accounts.node.js";
import { ensureDemoData } from "../../src/demo/ensure-demo.node.js";
import { withWebAssets } from "../../src/web/assets.node.js";
import { buildWebAssets } from "../../scripts/lib/web-assets";
import { createTestApp, type TestApp } from "../helpers/app";
import { serveApp } from "../helpers/serve-app";

export interface Storefront {
  t: TestApp;
  url: string;
  close: () => Promise<void>;
}

/**
 * A storefront over the demo generator's data (a small catalog with reviews, sellers with listings), models
 * trained on it and the client bundle built, served on a loopback port: what `npm start` shows, scaled down.
 * Real clock (or `clock`, e.g. to register model versions in the past) and random ids: orders, sessions and
 * events behave as in production.
 */
export async function startStorefront(opts: { items?: number; clock?: () => number } = {}): Promise<Storefront> {
  await buildWebAssets(fileURLToPath(new URL("../..", import.meta.url)));
  const t = await createTestApp({ clock: opts.clock ?? (() => Date.now()), newId: randomId }, { LOG_LEVEL: "error" });
  const demoDir = mkdtempSync(join(tmpdir(), "web-demo-"));
  await ensureDemoData(t.db, { dir: demoDir, items: opts.items ?? 500, users: 250, ratingsPerUser: 10, seed: 5 });
  await ensureDemoAccounts(t.deps, { buyers: 1, sellers: 2, listingsPerSeller: 20 });
  await t.deps.recsys.start(t.db, { trainMissing: true, seed: 7 });
  const server = await serveApp(withWebAssets(t.app.fetch));
  return {
    t,
    url: server.url,
    close: async () => {
      await server.close();
      t.cleanup();
      rmSync(demoDir, { recursive: true, force: true });
    },
  };
}
