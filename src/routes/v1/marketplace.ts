import { createRouter } from "../../http/openapi";
import { adminRoutes } from "./admin";
import { adminModelsRoutes } from "./admin-models";
import { adminListingsRoutes } from "./admin-listings";
import { listingPhotosRoutes } from "./listing-photos";
import { sellerRoutes } from "./seller";
import { apiKeysRoutes } from "./api-keys";
import { cartRoutes } from "./cart";
import { favoritesRoutes } from "./favorites";
import { listingsRoutes } from "./listings";
import { ordersRoutes } from "./orders";

/** Every marketplace resource under /v1 (mounted once by createApp). */
export const marketplaceRoutes = createRouter();
marketplaceRoutes.openAPIRegistry.registerComponent("securitySchemes", "session", {
  type: "apiKey",
  in: "cookie",
  name: "recircuit.session_token",
  description: "Browser session cookie set by POST /api/auth/sign-in/email",
});
marketplaceRoutes.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
  description: "Session token from the set-auth-token header of sign-in (non-browser clients)",
});
marketplaceRoutes.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
  type: "apiKey",
  in: "header",
  name: "x-api-key",
  description: "Third-party API key with scopes (see docs/auth.md)",
});
marketplaceRoutes.route("/listings", listingsRoutes);
marketplaceRoutes.route("/api-keys", apiKeysRoutes);
marketplaceRoutes.route("/admin", adminRoutes);
marketplaceRoutes.route("/admin", adminModelsRoutes);
marketplaceRoutes.route("/cart", cartRoutes);
marketplaceRoutes.route("/", ordersRoutes);
marketplaceRoutes.route("/favorites", favoritesRoutes);
marketplaceRoutes.route("/listings", listingPhotosRoutes);
marketplaceRoutes.route("/seller", sellerRoutes);
marketplaceRoutes.route("/admin", adminListingsRoutes);
