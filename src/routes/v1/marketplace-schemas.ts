import { z } from "@hono/zod-openapi";
import { conditionGrades, listingStatuses } from "../../db/schema/marketplace";
import { errorResponses, sessionSecurity } from "../../http/openapi";

/** Shared contract pieces of the marketplace routes (listings, cart, checkout, orders, favorites, keys). */

/** A route's error answers (src/http/openapi.ts, errorResponses): `...pick(400, 401, 403)`. */
export const pick = errorResponses;
export { sessionSecurity };

export const Id = z.string().min(1).max(64);
export const idParam = (name: string) => z.object({ [name]: Id.openapi({ param: { name, in: "path" } }) });

const currencies: ReadonlySet<string> = new Set(
  typeof Intl.supportedValuesOf === "function"
    ? Intl.supportedValuesOf("currency")
    : ["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF"],
);
export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, "ISO 4217 code in upper case, e.g. USD")
  .refine((c) => currencies.has(c), "unknown ISO 4217 currency")
  .openapi({ example: "USD" });

export const MoneySchema = z
  .object({
    amountMinor: z
      .number()
      .int()
      .min(0)
      .max(100_000_000)
      .openapi({ description: "Integer minor units (cents)", example: 12999 }),
    currency: Currency,
  })
  .strict()
  .openapi("Money");

export const Condition = z.enum(conditionGrades).openapi({ description: "Condition grade of the used device" });
export const ListingStatusSchema = z.enum(listingStatuses);

export const ListingSchema = z
  .object({
    id: z.string(),
    productId: z.string().openapi({ description: "Catalog product (parent_asin)" }),
    productTitle: z.string(),
    productImage: z.string().nullable(),
    sellerId: z.string(),
    condition: Condition,
    price: MoneySchema,
    description: z.string(),
    photos: z.array(z.string()),
    status: ListingStatusSchema,
    moderationReason: z.string().nullable().openapi({ description: "Why a moderator hid or removed it" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Listing");

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});
