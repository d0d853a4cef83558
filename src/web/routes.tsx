import { Hono } from "hono";
import { every } from "hono/combine";
import { csrf } from "hono/csrf";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { InvalidInputError } from "../domain/errors";
import { trackPageEvents } from "./events";
import { pageSession, requirePageUser, safeNext } from "./page-auth";
import { accountPage, createKeyAction, revokeKeyAction, revokeSessionAction } from "./pages/account";
import {
  forgotPasswordAction,
  forgotPasswordPage,
  resetPasswordAction,
  resetPasswordPage,
  signInAction,
  signInPage,
  signOutAction,
  signUpAction,
  signUpPage,
} from "./pages/auth";
import { checkoutAction, checkoutPage } from "./pages/checkout";
import { pageError } from "./pages/error";
import { adminPages } from "./pages/admin/routes";
import { sellerPages } from "./pages/seller/routes";
import { homePage } from "./pages/home";
import { outboxPage } from "./pages/outbox";
import { productPage } from "./pages/product";
import { categoriesPage, searchPage } from "./pages/search";
import {
  addToCartAction,
  cartPage,
  favoriteAction,
  favoritesPage,
  orderPage,
  ordersPage,
  removeFromCartAction,
} from "./pages/shopping";
import { isPagePath } from "./security";

/**
 * The storefront: server-rendered pages on the same Hono app as the API (Node and the api Worker alike).
 * Handlers call services and recsys in-process (never the HTTP API). Form posts are CSRF-checked by Origin
 * (hono/csrf: same origin as the page), since they ride on cookies. Every action answers with a redirect
 * (POST-redirect-GET), so a reload never repeats it.
 */
export const webRoutes = new Hono<AppEnv>();

// Mounted at "/", so "*" would also see unmatched /v1 paths: page middleware runs on page paths only.
const pageMiddleware = every(...pageSession(), csrf());
webRoutes.use(
  "*",
  createMiddleware<AppEnv>(async (c, next) => (isPagePath(c.req.path) ? pageMiddleware(c, next) : next())),
);
webRoutes.onError(pageError);

// Browsing: open to everyone.
webRoutes.get("/", homePage);
webRoutes.get("/search", (c) => searchPage(c));
webRoutes.get("/categories", categoriesPage);
webRoutes.get("/c/*", (c) => {
  const path = c.req.path
    .slice("/c/".length)
    .split("/")
    .filter(Boolean)
    .map((s) => decodeURIComponent(s))
    .join(" > ");
  return searchPage(c, path);
});
webRoutes.get("/p/:id", productPage);

/** "Not interested" on a recommendation: into the event pipeline (lasting negative feedback), signed in or not. */
webRoutes.post("/feedback/not-interested", async (c) => {
  const body = await c.req.parseBody();
  const item = typeof body.item === "string" ? body.item : "";
  if (!item || item.length > 40) throw new InvalidInputError("invalid_request", "no product given");
  const rec = typeof body.rec === "string" && /^[A-Za-z0-9_.:-]{1,120}$/.test(body.rec) ? body.rec : undefined;
  await trackPageEvents(c, [
    { type: "not_interested", itemId: item, context: { page: "home", ...(rec ? { recommendationId: rec } : {}) } },
  ]);
  if ((c.req.header("accept") ?? "").includes("application/json")) return c.json({ ok: true });
  return c.redirect(safeNext(typeof body.back === "string" ? body.back : "/"), 303);
});

// Accounts.
webRoutes.get("/signin", signInPage);
webRoutes.post("/signin", signInAction);
webRoutes.get("/signup", signUpPage);
webRoutes.post("/signup", signUpAction);
webRoutes.post("/signout", signOutAction);
webRoutes.get("/forgot-password", (c) => forgotPasswordPage(c));
webRoutes.post("/forgot-password", forgotPasswordAction);
webRoutes.get("/reset-password", resetPasswordPage);
webRoutes.post("/reset-password", resetPasswordAction);
webRoutes.get("/dev/outbox", outboxPage);

// Signed-in pages and actions.
const signedIn = requirePageUser();
webRoutes.get("/favorites", signedIn, favoritesPage);
webRoutes.post("/favorites", signedIn, favoriteAction);
webRoutes.get("/cart", signedIn, cartPage);
webRoutes.post("/cart", signedIn, addToCartAction);
webRoutes.post("/cart/remove", signedIn, removeFromCartAction);
webRoutes.get("/checkout", signedIn, checkoutPage);
webRoutes.post("/checkout", signedIn, checkoutAction);
webRoutes.get("/orders", signedIn, ordersPage);
webRoutes.get("/orders/:id", signedIn, orderPage);
webRoutes.get("/account", signedIn, (c) => accountPage(c));
webRoutes.post("/account/sessions/revoke", signedIn, revokeSessionAction);
webRoutes.post("/account/api-keys", signedIn, createKeyAction);
webRoutes.post("/account/api-keys/revoke", signedIn, revokeKeyAction);

// Seller and admin pages (src/web/pages/seller, src/web/pages/admin).
webRoutes.route("/", sellerPages);
webRoutes.route("/", adminPages);
