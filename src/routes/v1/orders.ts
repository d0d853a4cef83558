import { createRoute, z } from "@hono/zod-openapi";
import { conditionGrades, fulfilmentStatuses } from "../../db/schema/marketplace";
import { assertUser, requirePermission } from "../../http/middleware/require";
import { createRouter } from "../../http/openapi";
import { recordQuietly } from "../../services/events/record-quietly";
import { checkout } from "../../services/orders/checkout";
import { getOrder, listOrders } from "../../services/orders/orders";
import { MoneySchema, idParam, json, pick, sessionSecurity } from "./marketplace-schemas";

export const OrderSchema = z
  .object({
    id: z.string(),
    buyerId: z.string(),
    status: z.enum(fulfilmentStatuses).openapi({
      description: "placed → shipped → completed: the least advanced of its items (a seller sees their part's)",
    }),
    total: MoneySchema,
    items: z.array(
      z.object({
        listingId: z.string(),
        productId: z.string(),
        sellerId: z.string(),
        title: z.string().openapi({ description: "Product title at purchase time" }),
        condition: z.enum(conditionGrades),
        price: MoneySchema.openapi({ description: "Price at purchase time" }),
        status: z.enum(fulfilmentStatuses).openapi({ description: "This item's fulfilment by its seller" }),
        shippedAt: z.string().nullable(),
        completedAt: z.string().nullable(),
      }),
    ),
    createdAt: z.string(),
  })
  .openapi("Order");

const checkoutRoute = createRoute({
  method: "post",
  path: "/checkout",
  tags: ["orders"],
  summary: "Buy everything in the cart as one order",
  description:
    "All or nothing: if any listing was sold meanwhile the answer is 409 `listing_unavailable` naming it, and the cart is untouched. " +
    "Send an `Idempotency-Key` header to make retries safe (the same key returns the same order with 200).",
  operationId: "checkout",
  security: sessionSecurity,
  middleware: requirePermission({ order: ["create"] }),
  request: {
    headers: z.object({
      "idempotency-key": z
        .string()
        .min(8)
        .max(128)
        .regex(/^[\x21-\x7e]+$/, "printable ASCII")
        .optional(),
    }),
  },
  responses: {
    201: json(OrderSchema, "Order placed"),
    200: json(OrderSchema, "Replay of an earlier request with the same Idempotency-Key"),
    ...pick(400, 401, 403, 409, 422, 429),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/orders",
  tags: ["orders"],
  summary: "Your purchases (role=buyer, default) or your sales (role=seller)",
  operationId: "listOrders",
  security: sessionSecurity,
  middleware: requirePermission({ order: ["read-own"] }),
  request: {
    query: z.object({
      role: z.enum(["buyer", "seller"]).default("buyer"),
      limit: z.coerce.number().int().min(1).max(100).default(20),
      cursor: z.string().max(500).optional(),
    }),
  },
  responses: {
    200: json(
      z.object({ items: z.array(OrderSchema), nextCursor: z.string().nullable() }).openapi("OrderPage"),
      "Orders",
    ),
    ...pick(400, 401, 403, 429),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/orders/{id}",
  tags: ["orders"],
  summary: "One order (its buyer, or a seller of one of its items: that seller's part)",
  operationId: "getOrder",
  security: sessionSecurity,
  middleware: requirePermission({ order: ["read-own"] }),
  request: { params: idParam("id") },
  responses: { 200: json(OrderSchema, "The order"), ...pick(400, 401, 403, 404, 429) },
});

export const ordersRoutes = createRouter()
  .openapi(checkoutRoute, async (c) => {
    const { deps } = c.var;
    const user = assertUser(c.var.principal);
    const { order, replayed } = await checkout(deps.db, {
      buyerId: user.userId,
      orderId: deps.newId(),
      now: deps.clock(),
      idempotencyKey: c.req.valid("header")["idempotency-key"],
    });
    if (replayed) return c.json(order, 200);
    await recordQuietly(
      deps,
      order.items.map((i) => ({
        type: "purchase" as const,
        userId: user.userId,
        anonId: c.var.anonId,
        parentAsin: i.productId,
        listingId: i.listingId,
        context: { orderId: order.id, priceMinor: i.price.amountMinor, currency: i.price.currency },
      })),
    );
    return c.json(order, 201);
  })
  .openapi(listRoute, async (c) => {
    const user = assertUser(c.var.principal);
    const q = c.req.valid("query");
    return c.json(await listOrders(c.var.deps.db, user.userId, q.role, q.limit, q.cursor), 200);
  })
  .openapi(getRoute, async (c) => {
    const user = assertUser(c.var.principal);
    return c.json(await getOrder(c.var.deps.db, c.req.valid("param").id, user.userId, user.role === "admin"), 200);
  });
