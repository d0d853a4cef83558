import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppDeps } from "./context";
import { ApiError, errorBody, handleError } from "./http/errors";
import { createRouter } from "./http/openapi";
import { docsRoutes } from "./routes/docs";
import { healthRoutes } from "./routes/health";
import { categoriesRoutes } from "./routes/v1/categories";
import { productsRoutes } from "./routes/v1/products";

/**
 * The one Hono app, shared by the Node server, the Cloudflare Worker and the tests. Entry points build
 * `deps` (ports and adapters chosen from validated config) and pass them in; nothing here knows which
 * runtime or backend it is on.
 */
export function createApp(deps: AppDeps) {
  const app = createRouter();

  app.use("*", requestId({ headerName: "x-request-id", limitLength: 128 }));
  app.use("*", secureHeaders({ crossOriginResourcePolicy: "cross-origin" }));
  app.use("*", async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use(
    "*",
    bodyLimit({
      maxSize: deps.config.MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, "payload_too_large", `request body exceeds ${deps.config.MAX_BODY_BYTES} bytes`);
      },
    }),
  );

  app.route("/", healthRoutes);
  app.route("/", docsRoutes);
  app.route("/v1/products", productsRoutes);
  app.route("/v1/categories", categoriesRoutes);

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Recircuit API",
      version: "1.0.0",
      description: "Marketplace for second-hand electronics: catalog, accounts, listings, cart, recommendations.",
    },
  });

  app.notFound((c) => c.json(errorBody(c, "not_found", `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;
