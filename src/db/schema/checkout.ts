import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { orders } from "./marketplace";

/**
 * What the storefront's checkout adds to an order: where it ships and how it was paid (the Payments port's
 * reference, never card data: only the brand and last four digits the provider returns, for the receipt).
 */
export const orderCheckout = sqliteTable("order_checkout", {
  orderId: text("order_id")
    .primaryKey()
    .references(() => orders.id, { onDelete: "cascade" }),
  shipName: text("ship_name").notNull(),
  shipLine1: text("ship_line1").notNull(),
  shipLine2: text("ship_line2"),
  shipCity: text("ship_city").notNull(),
  shipPostalCode: text("ship_postal_code").notNull(),
  shipCountry: text("ship_country").notNull(),
  /** "test" or "live": which kind of Payments adapter took the money. */
  paymentMode: text("payment_mode", { enum: ["test", "live"] }).notNull(),
  paymentId: text("payment_id").notNull(),
  paymentBrand: text("payment_brand").notNull(),
  paymentLast4: text("payment_last4").notNull(),
  createdAt: integer("created_at").notNull(),
});
