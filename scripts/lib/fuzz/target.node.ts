import type { Server } from "node:http";
import { eq } from "drizzle-orm";
import { createApp } from "../../../src/app";
import { resolveAuthUrl } from "../../../src/auth/secret";
import { user as userTable } from "../../../src/db/schema/auth";
import { buildServingDeps } from "../../../src/deps/serving";
import { LibsqlArtifactRegistry } from "../../../src/adapters/model-registry/libsql";
import { createTestApp, type TestApp } from "../../../test/helpers/app";
import { insertProducts } from "../../../test/helpers/catalog-fixtures";
import { pid, seedRecsysData } from "../../../test/recsys/fixtures";
import type { FuzzTarget } from "./run";
import { buildWorld } from "./world";
import { listen } from "../../../src/server/listen.node.js";

const PRODUCTS = [
  { parentAsin: "B0FUZZ0001", title: "Fuzz Phone", categories: ["Electronics", "Cell Phones"], price: 500 },
  { parentAsin: "B0FUZZ0002", title: "Fuzz Camera", categories: ["Electronics", "Camera & Photo"], price: 800 },
  { parentAsin: "B0FUZZ0003", title: "Fuzz_%\\ Headphones", categories: ["Electronics", "Headphones"], price: 90 },
];

/**
 * The app under fuzz: the real app (real better-auth, libSQL file, in-process stores) over a fresh database with
 * a small catalog. `server: true` puts it behind the real Node HTTP server (`listen()`, what src/server/node.ts
 * serves with) on a loopback port; otherwise requests go through `app.request`. Rate limits are raised so the
 * run exercises handlers, not 429s.
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
  // The libSQL registry (the architecture's default; live pointers for the admin models API).
  const serving = buildServingDeps({
    ...t.deps,
    registry: new LibsqlArtifactRegistry(t.db.$client, { now: t.deps.clock }),
  });
  const deps = { ...t.deps, ...serving };
  const app = createApp(deps);
  await seedRecsysData(t);
  await serving.recsys.start(t.db, { trainMissing: true, seed: 7 });
  let send: FuzzTarget["send"];
  let stop = async () => {};
  if (opts.server) {
    const s = await new Promise<{ url: string; close: () => Promise<void> }>((ready) => {
      const server = listen(app.fetch, { hostname: "127.0.0.1", port: 0 }, (info) => {
        // Client and server share one event loop here: a long synchronous stretch (scrypt at sign-up on a busy
        // machine) must not let the 5 s keep-alive timer close a connection the client is about to reuse.
        (server as Server).keepAliveTimeout = 120_000;
        ready({
          url: `http://127.0.0.1:${info.port}`,
          close: () => new Promise((done) => server.close(() => done())),
        });
      });
    });
    // Node's fetch marks requests as CORS mode: better-auth then wants the app's own Origin, as a browser sends.
    const origin = new URL(resolveAuthUrl(deps.config)).origin;
    send = (path, init) =>
      fetch(`${s.url}${path}`, {
        ...init,
        headers: path.startsWith("/api/auth/") ? { ...(init.headers as Record<string, string>), origin } : init.headers,
      });
    stop = s.close;
  } else {
    send = async (path, init) => app.request(path, init);
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
