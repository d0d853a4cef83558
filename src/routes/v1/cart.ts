import { createRoute, z } from "@hono/zod-openapi";
import { assertUser, requirePermission } from "../../http/middleware/require";
import { createRouter } from "../../http/openapi";
import { addToCart, getCart, removeFromCart } from "../../services/cart/cart";
import { recordQuietly } from "../../services/events/record-quietly";
import { ListingSchema, MoneySchema, idParam, json, pick, sessionSecurity } from "./marketplace-schemas";

const CartSchema = z
  .object({
    items: z.array(
      z.object({
        listing: ListingSchema,
        addedAt: z.string(),
        available: z.boolean(),
        reason: z
          .enum(["sold", "reserved", "withdrawn", "own_listing"])
          .nullable()
          .openapi({ description: "Why an item cannot be bought now" }),
      }),
    ),
    totals: z.array(MoneySchema).openapi({ description: "Sum of the available items, per currency" }),
  })
  .openapi("Cart");

const guard = requirePermission({ cart: ["use"] });

const getRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["cart"],
  summary: "Your cart; items that can no longer be bought are flagged",
  operationId: "getCart",
  security: sessionSecurity,
  middleware: guard,
  responses: { 200: json(CartSchema, "The cart"), ...pick(401, 403, 429) },
});

const putRoute = createRoute({
  method: "put",
  path: "/items/{listingId}",
  tags: ["cart"],
  summary: "Add a listing (idempotent: 201 when added, 200 when already there)",
  operationId: "addCartItem",
  security: sessionSecurity,
  middleware: guard,
  request: { params: idParam("listingId") },
  responses: {
    200: json(CartSchema, "Already in the cart"),
    201: json(CartSchema, "Added"),
    ...pick(400, 401, 403, 404, 409, 429),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/items/{listingId}",
  tags: ["cart"],
  summary: "Remove a listing (idempotent)",
  operationId: "removeCartItem",
  security: sessionSecurity,
  middleware: guard,
  request: { params: idParam("listingId") },
  responses: { 200: json(CartSchema, "The cart after removal"), ...pick(400, 401, 403, 429) },
});

/** The cart lives in the database per user: it survives sign-out, sign-in and other devices. */
export const cartRoutes = createRouter()
  .openapi(getRoute, async (c) => {
    const user = assertUser(c.var.principal);
    return c.json(await getCart(c.var.deps.db, user.userId), 200);
  })
  .openapi(putRoute, async (c) => {
    const { deps } = c.var;
    const user = assertUser(c.var.principal);
    const { created, listing } = await addToCart(deps.db, user.userId, c.req.valid("param").listingId, deps.clock());
    if (created) {
      await recordQuietly(deps, [
        {
          type: "cart_add",
          userId: user.userId,
          anonId: c.var.anonId,
          parentAsin: listing.productId,
          listingId: listing.id,
          context: { surface: "cart" },
        },
      ]);
    }
    const cart = await getCart(deps.db, user.userId);
    return created ? c.json(cart, 201) : c.json(cart, 200);
  })
  .openapi(deleteRoute, async (c) => {
    const user = assertUser(c.var.principal);
    await removeFromCart(c.var.deps.db, user.userId, c.req.valid("param").listingId);
    return c.json(await getCart(c.var.deps.db, user.userId), 200);
  });
