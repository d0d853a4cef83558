import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { actingUserId } from "../auth/principal";
import type { AppEnv } from "../context";
import { ApiError } from "../http/errors";
import { ANON_COOKIE, ANON_HEADER } from "../http/middleware/anon-session";
import { SESSION_ID } from "./events/ingest";
import { SOURCES } from "./feed/candidates";
import type { Caller } from "./feed/feed-service";
import { ModelsNotReadyError, type Recsys } from "./recsys";
import type { ServingModels } from "./models/serving-models";

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

export const notReadyResponse = {
  503: {
    description: "Models are still loading",
    content: {
      "application/json": {
        schema: z.object({ error: z.object({ code: z.string(), message: z.string(), requestId: z.string() }) }),
      },
    },
  },
} as const;

/** A session id the client actually sent (header or cookie), not one minted for this response. */
export function presentedSession(c: Context<AppEnv>): string | null {
  const v = [c.req.header(ANON_HEADER), getCookie(c, ANON_COOKIE)].find(
    (x): x is string => typeof x === "string" && SESSION_ID.test(x),
  );
  return v ?? null;
}

export function callerOf(c: Context<AppEnv>, sessionParam?: string): Caller {
  return {
    userId: actingUserId(c.var.principal),
    sessionId: sessionParam ?? presentedSession(c) ?? c.var.anonId ?? null,
  };
}

/** The live models, or a 503 with Retry-After while they load. */
export function modelsOr503(c: Context<AppEnv>, recsys: Recsys): ServingModels {
  try {
    return recsys.models;
  } catch (err) {
    if (err instanceof ModelsNotReadyError) {
      c.header("Retry-After", "5");
      throw new ApiError(503, "service_unavailable", err.message);
    }
    throw err;
  }
}
