import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import type { Logger } from "../ports/logger";

/** public/ at the repository root: the stylesheet (committed) and the client bundles (`npm run build:web`). */
export const PUBLIC_DIR = fileURLToPath(new URL("../../public", import.meta.url));

type Fetch = (req: Request, env?: unknown) => Response | Promise<Response>;

/**
 * Node's counterpart of Workers static assets (wrangler.toml [assets]): /assets/* from public/, everything
 * else to the app. Kept out of createApp, which must not know the runtime; on Workers the platform serves
 * these files before the Worker runs. Bundles are not fingerprinted, so browsers revalidate after 5 minutes.
 */
export function withWebAssets(fetch: Fetch, logger?: Logger): Fetch {
  if (!existsSync(`${PUBLIC_DIR}/assets/app.js`))
    logger?.error("client bundle missing: run `npm run build:web` (pages still work, without their islands)", {
      dir: PUBLIC_DIR,
    });
  const assets = new Hono();
  assets.use(
    "/assets/*",
    serveStatic({
      root: PUBLIC_DIR,
      onFound: (_path, c) => {
        c.header("Cache-Control", "public, max-age=300");
        c.header("X-Content-Type-Options", "nosniff");
      },
    }),
  );
  return (req, env) => {
    const path = new URL(req.url).pathname;
    return path.startsWith("/assets/") ? assets.fetch(req, env) : fetch(req, env);
  };
}
