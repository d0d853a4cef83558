import { eq } from "drizzle-orm";
import { Hono } from "hono";
import type { AppEnv } from "../context";
import { products } from "../db/schema/catalog";
import { productImageSvg } from "../demo/product-image";
import { errorBody } from "../http/errors";

/** Product ids as in the data (Amazon parent_asin: 10 upper-case letters and digits; allow a little more). */
const ASIN = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * GET /images/demo/{productId}.svg: the drawn image of a product without a real image URL (demo catalog,
 * metadata without images). Derived from the product's category, brand and title only, so it is cacheable.
 */
export const demoImageRoutes = new Hono<AppEnv>().get("/images/demo/:file", async (c) => {
  const file = c.req.param("file");
  const id = file.endsWith(".svg") ? file.slice(0, -4) : "";
  if (!ASIN.test(id)) return c.json(errorBody(c, "invalid_request", "expected /images/demo/{productId}.svg"), 400);
  const p = await c.var.deps.db
    .select({ title: products.title, store: products.store, categoryPath: products.categoryPath })
    .from(products)
    .where(eq(products.parentAsin, id))
    .get();
  if (!p) return c.json(errorBody(c, "not_found", `no product ${id}`), 404);
  const svg = productImageSvg({ categoryPath: p.categoryPath, brand: p.store, title: p.title });
  return c.body(svg, 200, {
    "content-type": "image/svg+xml; charset=utf-8",
    "cache-control": "public, max-age=86400",
    "x-content-type-options": "nosniff",
  });
});
