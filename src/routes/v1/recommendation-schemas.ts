import { z } from "@hono/zod-openapi";
import { describeError } from "../../http/openapi";
import { SOURCES } from "../../recsys/feed/candidates";
import { BACKENDS } from "../../ports/backends";

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
  unavailable: z
    .array(z.enum(BACKENDS))
    .optional()
    .openapi({ description: "Backends that were down (the answer was computed without them; `degraded` is true)" }),
});

/** The 503 the model-backed routes answer while the models load (with Retry-After). */
export const notReadyResponse = {
  503: describeError(
    503,
    "Models are still loading (`service_unavailable`), or a backend this request cannot do without is down " +
      "(`backend_unavailable`, e.g. the session store holding a feed cursor's snapshot); see Retry-After",
  ),
};

/**
 * `X-Degraded` names what a degraded answer was computed without (failed recall sources, backends down), so
 * clients and logs see it without parsing the body.
 */
export function markDegraded(
  c: { header: (name: string, value: string) => void },
  answer: { degraded: boolean; sources: { failed: { source: string }[]; unavailable?: string[] } },
): void {
  if (!answer.degraded) return;
  const names = [...(answer.sources.unavailable ?? []), ...answer.sources.failed.map((f) => f.source)];
  c.header("X-Degraded", [...new Set(names)].join(", ") || "true");
}

/**
 * `x-end-user-id`: API keys act for an application's end users (docs/auth.md, "API keys act for an
 * application"). Declared on every route a key's recommender traffic reaches, so third parties see it.
 */
export const EndUserHeaders = z.object({
  "x-end-user-id": z
    .string()
    .optional()
    .openapi({
      description:
        "API keys only: the application's end user this call is for (opaque, 1-128 of A-Z a-z 0-9 _ -, in the " +
        "key's own namespace; wins over a session id). Without it and without a session id a key gets the " +
        "anonymous feed. Never the key owner's own history. Other callers: 400 end_user_requires_api_key.",
    }),
});
