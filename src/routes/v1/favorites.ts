import { createRoute, z } from "@hono/zod-openapi";
import { favoriteTargets } from "../../db/schema/marketplace";
import { assertUser, requirePermission } from "../../http/middleware/require";
import { createRouter } from "../../http/openapi";
import { recordQuietly } from "../../services/events/record-quietly";
import { addFavorite, listFavorites, removeFavorite } from "../../services/favorites/favorites";
import { Id, ListingSchema, json, pick, sessionSecurity } from "./marketplace-schemas";

const Target = z.enum(favoriteTargets);
const TargetParams = z.object({
  type: Target.openapi({ param: { name: "type", in: "path" } }),
  id: Id.openapi({ param: { name: "id", in: "path" }, description: "Listing id, or product id (parent_asin)" }),
});

const FavoriteSchema = z
  .object({
    type: Target,
    id: z.string(),
    productId: z.string(),
    createdAt: z.string(),
    listing: ListingSchema.nullable().openapi({ description: "For listings still visible to you" }),
    product: z.object({ id: z.string(), title: z.string(), image: z.string().nullable() }).nullable(),
  })
  .openapi("Favorite");

const Ack = z.object({ type: Target, id: z.string(), favorited: z.boolean() }).openapi("FavoriteAck");
const guard = requirePermission({ favorite: ["use"] });

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["favorites"],
  summary: "Your favorites, newest first",
  operationId: "listFavorites",
  security: sessionSecurity,
  middleware: guard,
  request: {
    query: z.object({
      type: Target.optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
      cursor: z.string().max(500).optional(),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(FavoriteSchema), nextCursor: z.string().nullable() }), "Favorites"),
    ...pick(400, 401, 403, 429),
  },
});

const putRoute = createRoute({
  method: "put",
  path: "/{type}/{id}",
  tags: ["favorites"],
  summary: "Favorite a listing or a product (idempotent: 201 new, 200 already there)",
  operationId: "addFavorite",
  security: sessionSecurity,
  middleware: guard,
  request: { params: TargetParams },
  responses: { 200: json(Ack, "Already a favorite"), 201: json(Ack, "Added"), ...pick(400, 401, 403, 404, 429) },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/{type}/{id}",
  tags: ["favorites"],
  summary: "Remove a favorite (idempotent)",
  operationId: "removeFavorite",
  security: sessionSecurity,
  middleware: guard,
  request: { params: TargetParams },
  responses: { 200: json(Ack, "Not a favorite (any more)"), ...pick(400, 401, 403, 429) },
});

export const favoritesRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const user = assertUser(c.var.principal);
    return c.json(await listFavorites(c.var.deps.db, user.userId, c.req.valid("query")), 200);
  })
  .openapi(putRoute, async (c) => {
    const { deps } = c.var;
    const user = assertUser(c.var.principal);
    const { type, id } = c.req.valid("param");
    const { created, productId } = await addFavorite(deps.db, user.userId, type, id, deps.clock());
    if (!created) return c.json({ type, id, favorited: true }, 200);
    await recordQuietly(deps, [
      {
        type: "favorite",
        userId: user.userId,
        anonId: c.var.anonId,
        parentAsin: productId,
        listingId: type === "listing" ? id : null,
        context: { target: type },
      },
    ]);
    return c.json({ type, id, favorited: true }, 201);
  })
  .openapi(deleteRoute, async (c) => {
    const user = assertUser(c.var.principal);
    const { type, id } = c.req.valid("param");
    await removeFavorite(c.var.deps.db, user.userId, type, id);
    return c.json({ type, id, favorited: false }, 200);
  });
