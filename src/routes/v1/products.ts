import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../../http/middleware/require";
import { trackProductViews } from "../../http/middleware/track-views";
import { createRouter, errorResponses, scopeSecurity } from "../../http/openapi";
import { getProductDetail } from "../../services/catalog/product-detail";
import { listProducts, productSorts } from "../../services/catalog/products";
import { notFound } from "../../domain/errors";
import { openRouteCursor, sealRouteCursor } from "../../http/cursors";

const price = z.coerce.number().min(0).max(1_000_000);

const ListQuery = z
  .object({
    q: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "Full-text search over title, features and description" }),
    category: z
      .string()
      .min(1)
      .max(300)
      .optional()
      .openapi({ description: 'Category path at any level, e.g. "Electronics > Cameras"' }),
    brand: z.string().min(1).max(200).optional(),
    min_price: price.optional(),
    max_price: price.optional(),
    min_rating: z.coerce.number().min(0).max(5).optional(),
    sort: z.enum(productSorts).optional().openapi({ description: "Default: relevance with q, else popularity" }),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(500).optional(),
  })
  .refine((q) => q.min_price === undefined || q.max_price === undefined || q.min_price <= q.max_price, {
    message: "min_price must not exceed max_price",
    path: ["min_price"],
  });

export const ProductSummarySchema = z
  .object({
    id: z.string().openapi({ description: "Amazon parent_asin", example: "B07PNNCSP9" }),
    title: z.string(),
    brand: z.string().nullable(),
    mainCategory: z.string().nullable(),
    categoryPath: z.string().nullable(),
    price: z.number().nullable(),
    averageRating: z.number().nullable(),
    ratingCount: z.number().int(),
    image: z.string().nullable(),
  })
  .openapi("ProductSummary");

const ProductPageSchema = z
  .object({ items: z.array(ProductSummarySchema), nextCursor: z.string().nullable() })
  .openapi("ProductPage");

const ReviewSchema = z.object({
  userId: z.string(),
  rating: z.number(),
  title: z.string().nullable(),
  text: z.string().nullable(),
  timestamp: z.number().int(),
  helpfulVotes: z.number().int(),
  verifiedPurchase: z.boolean().nullable(),
});

const ProductDetailSchema = ProductSummarySchema.extend({
  categories: z.array(z.string()),
  features: z.array(z.string()),
  description: z.array(z.string()),
  images: z.array(z.unknown()),
  videos: z.array(z.unknown()),
  details: z.record(z.string(), z.unknown()),
  boughtTogether: z.array(z.string()),
  ratingStats: z.object({
    count: z.number().int(),
    average: z.number().nullable(),
    histogram: z.object({ "1": z.number(), "2": z.number(), "3": z.number(), "4": z.number(), "5": z.number() }),
  }),
  recentReviews: z.array(ReviewSchema),
  activeListings: z
    .array(
      z.object({
        id: z.string(),
        sellerId: z.string(),
        condition: z.string(),
        price: z.object({ amountMinor: z.number().int(), currency: z.string() }),
        createdAt: z.string(),
      }),
    )
    .openapi({
      description: "Active marketplace listings of this product, cheapest first (details: GET /v1/listings/{id})",
    }),
}).openapi("ProductDetail");

/** Catalog browsing is public; an API key presenting itself still needs catalog:read (docs/auth.md). */
const catalogRead = requireScope("catalog:read", { anonymous: true });

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["catalog"],
  summary: "List and search products",
  operationId: "listProducts",
  security: scopeSecurity("catalog:read", { anonymous: true }),
  middleware: [catalogRead] as const,
  request: { query: ListQuery },
  responses: {
    200: { description: "A page of products", content: { "application/json": { schema: ProductPageSchema } } },
    ...errorResponses(400, 401, 403, 429),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/{id}",
  tags: ["catalog"],
  summary: "One product with rating stats and recent reviews",
  operationId: "getProduct",
  security: scopeSecurity("catalog:read", { anonymous: true }),
  // The guard first: a refused request is no view.
  middleware: [catalogRead, trackProductViews()] as const,
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .max(40)
        .openapi({ param: { name: "id", in: "path" } }),
    }),
  },
  responses: {
    200: { description: "The product", content: { "application/json": { schema: ProductDetailSchema } } },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

export const productsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    // A page cursor is signed and bound to its query, filters and sort: replayed elsewhere it is 400 invalid_cursor.
    const { cursor, limit: _limit, ...binding } = q;
    const page = await listProducts(c.var.deps.db, {
      q: q.q,
      category: q.category,
      brand: q.brand,
      minPrice: q.min_price,
      maxPrice: q.max_price,
      minRating: q.min_rating,
      sort: q.sort,
      limit: q.limit,
      cursor: cursor === undefined ? undefined : await openRouteCursor(c, "products", binding, cursor),
    });
    return c.json({ ...page, nextCursor: await sealRouteCursor(c, "products", binding, page.nextCursor) }, 200);
  })
  .openapi(getRoute, async (c) => {
    const product = await getProductDetail(c.var.deps.db, c.req.valid("param").id);
    if (!product) throw notFound("product");
    return c.json(product, 200);
  });
