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
