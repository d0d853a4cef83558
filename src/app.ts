import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppDeps } from "./context";
import { authHandler } from "./routes/auth";
import { anonSession } from "./http/middleware/anon-session";
import { originCheck } from "./http/middleware/origin-check";
import { principal } from "./http/middleware/principal";
import { marketplaceRoutes } from "./routes/v1/marketplace";
import { ApiError, errorBody, handleError } from "./http/errors";
import { createRouter, openApiConfig, registerSecuritySchemes } from "./http/openapi";
import { docsRoutes } from "./routes/docs";
import { demoImageRoutes } from "./routes/demo-images";
import { healthRoutes } from "./routes/health";
import { readyzRoutes } from "./routes/readyz";
import { metricsRoutes } from "./routes/metrics";
import { accessLog } from "./http/middleware/access-log";
import { categoriesRoutes } from "./routes/v1/categories";
import { productsRoutes } from "./routes/v1/products";
import { eventsRoutes } from "./routes/v1/events";
import { feedRoutes } from "./routes/v1/feed";
import { feedbackRoutes } from "./routes/v1/feedback";
import { recommendationsRoutes } from "./routes/v1/recommendations";
import { corsAllowList } from "./http/middleware/cors";
import { isPhotoUpload } from "./http/middleware/photo-body-limit";
import { webRoutes } from "./web/routes";
import { isPagePath, pageSecureHeaders } from "./web/security";
import { notFoundPage } from "./web/pages/not-found";

/**
 * The one Hono app, shared by the Node server, the Cloudflare Worker and the tests. Each runtime's buildDeps
 * (src/deps/) assembles `deps` from validated config and passes them in finished; nothing here knows which
 * runtime or backend it is on, and no adapter is imported here (test/deps/app-imports.test.ts).
 */
export function createApp(deps: AppDeps) {
  const app = createRouter();

  app.use("*", requestId({ headerName: "x-request-id", limitLength: 128 }));
  const pageHeaders = pageSecureHeaders();
  const apiHeaders = secureHeaders({
    crossOriginResourcePolicy: "cross-origin",
    // JSON API + one self-contained HTML page (/docs: inline script and style, fetches /openapi.json).
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'unsafe-inline'"],
      styleSrc: ["'unsafe-inline'"],
      connectSrc: ["'self'"],
      imgSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
  });
  // Storefront pages (src/web) get their own policy: own scripts, styles and forms.
  app.use("*", (c, next) => (isPagePath(c.req.path) ? pageHeaders(c, next) : apiHeaders(c, next)));
  app.use("*", async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use("*", accessLog());
  const globalBodyLimit = bodyLimit({
    maxSize: deps.config.MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError("payload_too_large", `request body exceeds ${deps.config.MAX_BODY_BYTES} bytes`);
    },
  });
  // Photo uploads carry their own, larger limit (PHOTO_MAX_BYTES, checked by the route before reading the body).
  app.use("*", (c, next) => (isPhotoUpload(c.req.method, c.req.path) ? next() : globalBodyLimit(c, next)));
  // CORS for third-party browser apps (CORS_ORIGINS), before auth so preflights are answered first.
  app.use("/v1/*", corsAllowList());
  app.use("/api/auth/*", corsAllowList());

  // Auth: better-auth's own routes, then who is calling for every /v1 route (session, API key, anonymous).
  app.on(["GET", "POST"], "/api/auth/*", authHandler);
  app.use("/v1/*", originCheck());
  app.use("/v1/*", anonSession());
  app.use("/v1/*", principal());
  // Guards (scope, role, signed-in) are declared by each route in its createRoute definition (src/routes).

  app.route("/", healthRoutes);
  app.route("/", readyzRoutes);
  app.route("/", metricsRoutes);
  app.route("/", docsRoutes);
  app.route("/", demoImageRoutes);
  app.route("/v1/products", productsRoutes);
  app.route("/v1/categories", categoriesRoutes);
  app.route("/v1", marketplaceRoutes);
  app.route("/v1", eventsRoutes);
  app.route("/v1", feedRoutes);
  app.route("/v1", feedbackRoutes);
  app.route("/v1", recommendationsRoutes);

  registerSecuritySchemes(app);
  app.doc31("/openapi.json", openApiConfig);

  // The storefront last: its pages own every path the API does not (src/web/security.ts: isPagePath).
  app.route("/", webRoutes);

  app.notFound((c) =>
    isPagePath(c.req.path)
      ? notFoundPage(c)
      : c.json(errorBody(c, "not_found", `no route for ${c.req.method} ${c.req.path}`), 404),
  );
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;
