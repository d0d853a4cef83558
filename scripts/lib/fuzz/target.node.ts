import { eq } from "drizzle-orm";
import { user as userTable } from "../../../src/db/schema/auth";
import { createTestApp, type TestApp } from "../../../test/helpers/app";
import { insertProducts } from "../../../test/helpers/catalog-fixtures";
import { serveApp } from "../../../test/helpers/serve-app";
import { pid, seedRecsysData } from "../../../test/recsys/fixtures";
import type { FuzzTarget } from "./run";
import { buildWorld } from "./world";

const PRODUCTS = [
  { parentAsin: "B0FUZZ0001", title: "Fuzz Phone", categories: ["Electronics", "Cell Phones"], price: 500 },
  { parentAsin: "B0FUZZ0002", title: "Fuzz Camera", categories: ["Electronics", "Camera & Photo"], price: 800 },
  { parentAsin: "B0FUZZ0003", title: "Fuzz_%\\ Headphones", categories: ["Electronics", "Headphones"], price: 90 },
];

/**
 * The app under fuzz: the real app (real better-auth, libSQL file, in-process stores) over a fresh database with
 * a small catalog. `server: true` puts it behind a real Node HTTP server on a loopback port; otherwise requests go
 * through `app.request` (what `npm test` uses). Rate limits are raised so the run exercises handlers, not 429s.
 */
export async function fuzzTarget(opts: { server: boolean }): Promise<FuzzTarget & { close: () => Promise<void> }> {
  const t: TestApp = await createTestApp(
    {},
    {
      AUTH_RATE_LIMIT_MAX: "1000000",
      AUTH_RATE_LIMIT_GLOBAL_MAX: "1000000",
      AUTH_ACCOUNT_RATE_LIMIT_MAX: "1000000",
      API_KEY_RATE_LIMIT_MAX: "1000000",
      ...(opts.server ? { CLIENT_IP_HEADER: "" } : {}),
    },
  );
  await insertProducts(t.db, PRODUCTS);
  // The recommender's test catalog and interactions, models trained in-process: feed and recommendations serve.
  await seedRecsysData(t);
  await t.deps.recsys.start(t.db, { trainMissing: true, seed: 7 });
  let send: FuzzTarget["send"];
  let stop = async () => {};
  if (opts.server) {
    const s = await serveApp(t.app.fetch);
    send = (path, init) => fetch(`${s.url}${path}`, init);
    stop = s.close;
  } else {
    send = async (path, init) => t.app.request(path, init);
  }
  const world = await buildWorld(
    send,
    async (id, role) => void (await t.db.update(userTable).set({ role }).where(eq(userTable.id, id))),
    [...PRODUCTS.map((p) => p.parentAsin), pid(0, 1), pid(1, 2), pid(2, 3)],
  );
  return {
    send,
    world,
    close: async () => {
      await stop();
      t.cleanup();
    },
  };
}
