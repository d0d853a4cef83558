import { createRoute, z } from "@hono/zod-openapi";
import { roleNames } from "../../auth/permissions";
import { fulfilmentStatuses } from "../../db/schema/marketplace";
import { assertUser, requirePermission, requireUser } from "../../http/middleware/require";
import { createRouter } from "../../http/openapi";
import { advanceSale, listSales, type SaleAction } from "../../services/sales/sales";
import { SELLER_TERMS_VERSION, sellerStatus, startSelling } from "../../services/seller/onboarding";
import { OrderSchema } from "./orders";
import { idParam, json, jsonBody, pick, sessionSecurity } from "./marketplace-schemas";

const SellerStatusSchema = z
  .object({
    role: z.enum(roleNames),
    canSell: z.boolean().openapi({ description: "The role allows creating listings (seller or admin)" }),
    acceptedTermsVersion: z.string().nullable(),
    acceptedAt: z.string().nullable(),
    currentTermsVersion: z.string(),
  })
  .openapi("SellerStatus");

const statusRoute = createRoute({
  method: "get",
  path: "/onboarding",
  operationId: "getSellerStatus",
  tags: ["seller"],
  summary: "Your seller status and the seller terms in force",
  security: sessionSecurity,
  middleware: [requireUser()] as const,
  responses: { 200: json(SellerStatusSchema, "Seller status"), ...pick(401, 403, 429) },
});

const startRoute = createRoute({
  method: "post",
  path: "/onboarding",
  operationId: "startSelling",
  tags: ["seller"],
  summary: "Start selling: accept the seller terms and become a seller",
  description:
    "Idempotent: 201 when this call made you a seller (or recorded a new terms version), 200 when nothing changed. " +
    `The terms version must be the one in force (${SELLER_TERMS_VERSION}; see GET), else 422 \`terms_version_mismatch\`. ` +
    "Admins keep their role. Audited (`seller.onboarded`).",
  security: sessionSecurity,
  middleware: [requireUser()] as const,
  request: {
    body: jsonBody(
      z
        .object({
          acceptTerms: z.literal(true).openapi({ description: "Must be true: you accept the seller terms" }),
          termsVersion: z.string().min(1).max(40).openapi({ example: SELLER_TERMS_VERSION }),
        })
        .strict()
        .openapi("StartSelling"),
    ),
  },
  responses: {
    201: json(SellerStatusSchema, "You are a seller now"),
    200: json(SellerStatusSchema, "Already done: nothing changed"),
    ...pick(400, 401, 403, 413, 422, 429),
  },
});

const salesRoute = createRoute({
  method: "get",
  path: "/sales",
  operationId: "listSales",
  tags: ["seller"],
  summary: "Your sales: your part of each order with your items, newest first",
  security: sessionSecurity,
  middleware: [requirePermission({ listing: ["update-own"] })] as const,
  request: {
    query: z.object({
      status: z.enum(fulfilmentStatuses).optional().openapi({ description: "Only sales in this status" }),
      limit: z.coerce.number().int().min(1).max(100).default(20),
      cursor: z.string().max(500).optional(),
    }),
  },
  responses: {
    200: json(
      z.object({ items: z.array(OrderSchema), nextCursor: z.string().nullable() }).openapi("SalePage"),
      "Sales",
    ),
    ...pick(400, 401, 403, 429),
  },
});

/** The shared contract of the ship and complete actions (each route still declares its own guard). */
const saleAction = (action: SaleAction, summary: string) => ({
  method: "post" as const,
  path: `/sales/{orderId}/${action}`,
  operationId: action === "ship" ? "shipSale" : "completeSale",
  tags: ["seller"],
  summary,
  description:
    "placed → shipped → completed. A move the state machine refuses is 409 `invalid_transition` (details: from, to, " +
    "allowed); an order with none of your items is 404. Audited.",
  security: sessionSecurity,
  request: { params: idParam("orderId") },
  responses: { 200: json(OrderSchema, "Your part of the order, moved"), ...pick(400, 401, 403, 404, 409, 429) },
});

const shipRoute = createRoute({
  ...saleAction("ship", "Mark your part of an order shipped"),
  middleware: [requirePermission({ listing: ["update-own"] })] as const,
});

const completeRoute = createRoute({
  ...saleAction("complete", "Mark your part of an order completed (delivered)"),
  middleware: [requirePermission({ listing: ["update-own"] })] as const,
});

export const sellerRoutes = createRouter()
  .openapi(statusRoute, async (c) => {
    const user = assertUser(c.var.principal);
    return c.json(await sellerStatus(c.var.deps.db, user.userId), 200);
  })
  .openapi(startRoute, async (c) => {
    const { deps } = c.var;
    const user = assertUser(c.var.principal);
    const { status, changed } = await startSelling(deps.db, {
      userId: user.userId,
      termsVersion: c.req.valid("json").termsVersion,
      now: deps.clock(),
      auditId: deps.newId(),
    });
    if (changed) deps.logger.info("seller onboarded", { userId: user.userId, role: status.role });
    return changed ? c.json(status, 201) : c.json(status, 200);
  })
  .openapi(salesRoute, async (c) => {
    const user = assertUser(c.var.principal);
    return c.json(await listSales(c.var.deps.db, user.userId, c.req.valid("query")), 200);
  })
  .openapi(shipRoute, async (c) => {
    const { deps } = c.var;
    const user = assertUser(c.var.principal);
    const order = await advanceSale(deps.db, {
      orderId: c.req.valid("param").orderId,
      sellerId: user.userId,
      action: "ship",
      now: deps.clock(),
      auditId: deps.newId(),
    });
    return c.json(order, 200);
  })
  .openapi(completeRoute, async (c) => {
    const { deps } = c.var;
    const user = assertUser(c.var.principal);
    const order = await advanceSale(deps.db, {
      orderId: c.req.valid("param").orderId,
      sellerId: user.userId,
      action: "complete",
      now: deps.clock(),
      auditId: deps.newId(),
    });
    return c.json(order, 200);
  });
