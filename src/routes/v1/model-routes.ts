import { feedRoute } from "./feed";
import { productRecsRoute, sessionRecsRoute } from "./recommendations";

/**
 * The routes whose handlers need the recommendation models, read from their own definitions (all mounted at
 * /v1): the api Worker loads the models lazily and waits for them on these paths only.
 */
const modelRoutePaths = [feedRoute, sessionRecsRoute, productRecsRoute].map((r) => `/v1${r.path}`);

const toPattern = (path: string): RegExp =>
  new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}/?$`);
const modelRoutePatterns = modelRoutePaths.map(toPattern);

/** Storefront pages built on the models: the home feed and product pages (similar / next). */
const modelPages = /^\/(p\/[^/]+)?$/;

export const needsModels = (pathname: string): boolean =>
  modelRoutePatterns.some((re) => re.test(pathname)) || modelPages.test(pathname);
