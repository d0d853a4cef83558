import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Hook } from "@hono/zod-openapi";
import type { AppEnv } from "../context";
import { errorBody } from "./errors";

/** The common error body as an OpenAPI schema, referenced by every route's error responses. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_request" }),
      message: z.string(),
      requestId: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

export const errorResponses = {
  400: { description: "Invalid input", content: { "application/json": { schema: ErrorSchema } } },
  404: { description: "Not found", content: { "application/json": { schema: ErrorSchema } } },
} as const;

/** Validation failures become the common 400 body with zod's issues as details. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    return c.json(
      errorBody(c, "invalid_request", issues.map((i) => `${i.path || "(body)"}: ${i.message}`).join("; "), issues),
      400,
    );
  }
};

/** A router with the shared validation hook; every route module builds on this. */
export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
