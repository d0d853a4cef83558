import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";

/** Serves an app on a random loopback port for tests that need real HTTP (browser, load). */
export function serveApp(
  fetch: (req: Request) => Response | Promise<Response>,
): Promise<{ url: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server: ServerType = serve({ fetch, hostname: "127.0.0.1", port: 0 }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
