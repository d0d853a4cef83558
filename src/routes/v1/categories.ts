import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../../http/middleware/require";
import { createRouter, errorResponses, scopeSecurity } from "../../http/openapi";
import { getCategoryTree, type CategoryNode } from "../../services/catalog/categories";

// Registered by name so the OpenAPI generator emits a $ref for the recursion instead of unrolling it.
const CategoryNodeSchema: z.ZodType<CategoryNode> = z
  .object({
    path: z.string(),
    name: z.string(),
    productCount: z.number().int(),
    get children() {
      return z.array(CategoryNodeSchema);
    },
  })
  .openapi("CategoryNode");

const treeRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["catalog"],
  summary: "The category tree with product counts",
  operationId: "getCategoryTree",
  security: scopeSecurity("catalog:read", { anonymous: true }),
  middleware: [requireScope("catalog:read", { anonymous: true })] as const,
  responses: {
    200: {
      description: "Root categories with their children",
      content: {
        "application/json": { schema: z.object({ items: z.array(CategoryNodeSchema) }).openapi("CategoryTree") },
      },
    },
    ...errorResponses(401, 403, 429),
  },
});

export const categoriesRoutes = createRouter().openapi(treeRoute, async (c) => {
  return c.json({ items: await getCategoryTree(c.var.deps.db) }, 200);
});
