import { Hono } from "hono";
import { every } from "hono/combine";
import { csrf } from "hono/csrf";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { pageSession } from "./page-auth";
import { pageError } from "./pages/error";
import { renderPage } from "./render";
import { adminPages } from "./pages/admin/routes";
import { sellerPages } from "./pages/seller/routes";
import { isPagePath } from "./security";

/**
 * The storefront: server-rendered pages on the same Hono app as the API (Node and the api Worker alike).
 * Handlers call services and recsys in-process (never the HTTP API). Form posts are CSRF-checked by Origin
 * (hono/csrf: same origin as the page), since they ride on cookies.
 */
export const webRoutes = new Hono<AppEnv>();

// Mounted at "/", so "*" would also see unmatched /v1 paths: page middleware runs on page paths only.
const pageMiddleware = every(...pageSession(), csrf());
webRoutes.use(
  "*",
  createMiddleware<AppEnv>(async (c, next) => (isPagePath(c.req.path) ? pageMiddleware(c, next) : next())),
);
webRoutes.onError(pageError);

webRoutes.get("/", (c) =>
  renderPage(
    c,
    { title: "Home", page: "home" },
    <section>
      <h1>Recommended for you</h1>
    </section>,
  ),
);

// Seller and admin pages (src/web/pages/seller, src/web/pages/admin).
webRoutes.route("/", sellerPages);
webRoutes.route("/", adminPages);
