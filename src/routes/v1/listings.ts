import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Principal } from "../../auth/principal";
import type { AppEnv } from "../../context";
import { conditionGrades } from "../../db/schema/marketplace";
import { assertUser, requirePermission, requireScope } from "../../http/middleware/require";
import { createRouter, scopeSecurity } from "../../http/openapi";
import { recordQuietly } from "../../services/events/record-quietly";
import {
  createListing,
  getListing,
  listListings,
  listingSorts,
  updateListing,
  type Viewer,
} from "../../services/listings/listings";
import {
  Condition,
  Currency,
  Id,
  ListingSchema,
  ListingStatusSchema,
  MoneySchema,
  idParam,
  json,
  jsonBody,
  pick,
  sessionSecurity,
} from "./marketplace-schemas";
import { UnauthenticatedError } from "../../domain/errors";
import { OWN_PHOTO_PATH } from "../../services/photos/listing-photos";

export const viewerOf = (p: Principal): Viewer => ({
  userId: p.type === "anonymous" ? null : p.userId,
  isAdmin: p.type === "user" && p.role === "admin",
});

const minor = z.coerce.number().int().min(0).max(100_000_000);
const ListQuery = z
  .object({
    product: Id.optional().openapi({ description: "Catalog product id (parent_asin)" }),
    category: z.string().min(1).max(300).optional().openapi({ description: "Category path at any level" }),
    condition: z
      .string()
      .max(100)
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        const parts = v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        for (const p of parts) {
          if (!(conditionGrades as readonly string[]).includes(p)) {
            ctx.addIssue({ code: "custom", message: `unknown condition ${p}` });
            return z.NEVER;
          }
        }
        return parts as (typeof conditionGrades)[number][];
      })
      .openapi({ description: `Comma-separated grades: ${conditionGrades.join(", ")}` }),
    min_price: minor.optional().openapi({ description: "Minor units" }),
    max_price: minor.optional(),
    currency: Currency.optional(),
    seller: Id.optional().openapi({ description: 'Seller user id, or "me"' }),
    status: ListingStatusSchema.optional().openapi({
      description: "Default active; sold/withdrawn only with seller=me (or as admin)",
    }),
    sort: z.enum(listingSorts).default("newest"),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(500).optional(),
  })
  .refine((q) => q.min_price === undefined || q.max_price === undefined || q.min_price <= q.max_price, {
    message: "min_price must not exceed max_price",
    path: ["min_price"],
  });

/** An https URL, or a photo uploaded here (POST /v1/listings/{id}/photos): its path as the upload returned it. */
const PhotoUrl = z.union([
  z.url({ protocol: /^https$/, message: "photo URLs must be https" }).max(2048),
  z.string().regex(OWN_PHOTO_PATH, "an uploaded photo's path, as POST /v1/listings/{id}/photos returned it"),
]);

const CreateBody = z
  .object({
    productId: Id,
    condition: Condition,
    price: MoneySchema,
    description: z.string().trim().max(5000).default(""),
    photos: z.array(PhotoUrl).max(10).default([]),
  })
  .strict()
  .openapi("NewListing");

const PatchBody = z
  .object({
    condition: Condition.optional(),
    price: MoneySchema.optional(),
    description: z.string().trim().max(5000).optional(),
    photos: z.array(PhotoUrl).max(10).optional(),
    status: ListingStatusSchema.optional().openapi({
      description: "active ⇄ reserved → sold; active/reserved → withdrawn",
    }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, "nothing to change")
  .openapi("ListingPatch");

const ListingPage = z
  .object({ items: z.array(ListingSchema), nextCursor: z.string().nullable() })
  .openapi("ListingPage");

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["listings"],
  summary: "Search listings of used devices",
  operationId: "listListings",
  security: scopeSecurity("listings:read", { anonymous: true }),
  middleware: [requireScope("listings:read", { anonymous: true })] as const,
  request: { query: ListQuery },
  responses: { 200: json(ListingPage, "A page of listings"), ...pick(400, 401, 403, 429) },
});

const getRoute = createRoute({
  method: "get",
  path: "/{id}",
  tags: ["listings"],
  summary: "One listing (sold/withdrawn ones only for their seller)",
  operationId: "getListing",
  security: scopeSecurity("listings:read", { anonymous: true }),
  middleware: [requireScope("listings:read", { anonymous: true })] as const,
  request: { params: idParam("id") },
  responses: { 200: json(ListingSchema, "The listing"), ...pick(400, 401, 403, 404, 429) },
});

const createListingRoute = createRoute({
  method: "post",
  path: "/",
  tags: ["listings"],
  summary: "List a used device for a catalog product (sellers and admins)",
  operationId: "createListing",
  security: sessionSecurity,
  middleware: [requirePermission({ listing: ["create"] })] as const,
  request: { body: jsonBody(CreateBody) },
  responses: { 201: json(ListingSchema, "Created"), ...pick(400, 401, 403, 413, 422, 429) },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/{id}",
  tags: ["listings"],
  summary: "Edit a listing or change its status (its seller or an admin)",
  operationId: "updateListing",
  security: sessionSecurity,
  middleware: [requirePermission({ listing: ["update-own"] })] as const,
  request: { params: idParam("id"), body: jsonBody(PatchBody) },
  responses: { 200: json(ListingSchema, "Updated"), ...pick(400, 401, 403, 404, 409, 413, 429) },
});

const sellerFilter = (c: Context<AppEnv>, seller: string | undefined): string | undefined => {
  if (seller !== "me") return seller;
  const p = c.var.principal;
  if (p.type === "anonymous") throw new UnauthenticatedError("unauthorized", "seller=me needs a signed-in user");
  return p.userId;
};

export const listingsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const page = await listListings(
      c.var.deps.db,
      {
        productId: q.product,
        category: q.category,
        condition: q.condition,
        minPrice: q.min_price,
        maxPrice: q.max_price,
        currency: q.currency,
        sellerId: sellerFilter(c, q.seller),
        status: q.status,
        sort: q.sort,
        limit: q.limit,
        cursor: q.cursor,
      },
      viewerOf(c.var.principal),
    );
    return c.json(page, 200);
  })
  .openapi(getRoute, async (c) => {
    const { deps, principal } = c.var;
    const listing = await getListing(deps.db, c.req.valid("param").id, viewerOf(principal));
    await recordQuietly(deps, [
      {
        type: "view",
        userId: principal.type === "user" ? principal.userId : null,
        // A partner's key browsing is not a shopper's session: no anonymous id for it.
        anonId: principal.type === "api_key" ? null : c.var.anonId,
        parentAsin: listing.productId,
        listingId: listing.id,
        context: { surface: "listing_detail", via: principal.type },
      },
    ]);
    return c.json(listing, 200);
  })
  .openapi(createListingRoute, async (c) => {
    const { deps } = c.var;
    const user = assertUser(c.var.principal);
    const listing = await createListing(deps.db, user.userId, c.req.valid("json"), deps.clock(), deps.newId());
    return c.json(listing, 201);
  })
  .openapi(patchRoute, async (c) => {
    const { deps } = c.var;
    const listing = await updateListing(
      deps.db,
      c.req.valid("param").id,
      viewerOf(assertUser(c.var.principal)),
      c.req.valid("json"),
      deps.clock(),
    );
    return c.json(listing, 200);
  });
