import { z } from "@hono/zod-openapi";
import { describeError } from "../../http/openapi";
import { SOURCES } from "../../recsys/feed/candidates";

/** Schemas shared by the feed and recommendation routes. */
export const ListingSchema = z
  .object({
    id: z.string(),
    sellerId: z.string(),
    price: z.number(),
    currency: z.string(),
    condition: z.enum(["new_open_box", "like_new", "good", "fair", "for_parts"]),
    listedAt: z.number().int(),
  })
  .openapi("RecommendedListing");

export const RecItemSchema = z
  .object({
    recommendationId: z
      .string()
      .openapi({ description: "Echo it in event context (recommendationId) to attribute clicks" }),
    productId: z.string(),
    title: z.string(),
    category: z.string(),
    price: z
      .number()
      .nullable()
      .openapi({ description: "Catalog (new) price; the listing carries the marketplace price" }),
    averageRating: z.number().nullable(),
    ratingCount: z.number().int(),
    listing: ListingSchema.nullable().openapi({
      description: "Best active listing (condition, then price); null when none",
    }),
    score: z.number(),
    sources: z.array(z.enum(SOURCES)),
    reason: z.string().openapi({ example: "Because you viewed Sony WH-1000XM4" }),
  })
  .openapi("RecommendedItem");

export const SourceReportSchema = z.object({
  used: z.array(z.enum(SOURCES)),
  failed: z.array(z.object({ source: z.enum(SOURCES), reason: z.enum(["timeout", "error"]) })),
});

/** The 503 the model-backed routes answer while the models load (with Retry-After). */
export const notReadyResponse = { 503: describeError(503, "Models are still loading (see Retry-After)") };
