import { createRoute, z } from "@hono/zod-openapi";
import { createApiKey, listApiKeys, revokeApiKey, rotateApiKey } from "../../auth/api-keys";
import { apiScopes } from "../../auth/permissions";
import { assertUser, requirePermission } from "../../http/middleware/require";
import { createRouter } from "../../http/openapi";
import { idParam, json, jsonBody, pick, sessionSecurity } from "./marketplace-schemas";

const Scope = z.enum(apiScopes);

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    start: z.string().nullable().openapi({ description: "First characters, to recognise the key" }),
    scopes: z.array(Scope),
    status: z.enum(["active", "revoked", "expired"]),
    rateLimit: z.object({ max: z.number().int(), windowSeconds: z.number().int() }).nullable(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi("ApiKey");

const CreatedKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The raw key. Shown once: only its hash is stored." }),
}).openapi("CreatedApiKey");

const CreateBody = z
  .object({
    name: z.string().trim().min(1).max(32),
    scopes: z
      .array(Scope)
      .min(1)
      .max(apiScopes.length)
      .refine((s) => new Set(s).size === s.length, "scopes must be unique"),
    rateLimitMax: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .openapi({ description: "Requests per window (capped by the server default)" }),
    expiresInDays: z.number().int().min(1).max(365).optional(),
  })
  .strict()
  .openapi("NewApiKey");

const guard = requirePermission({ apiKey: ["manage-own"] });

const createKeyRoute = createRoute({
  method: "post",
  path: "/",
  tags: ["api-keys"],
  summary: "Create an API key for a third-party integration (raw key returned once)",
  operationId: "createApiKey",
  security: sessionSecurity,
  middleware: guard,
  request: { body: jsonBody(CreateBody) },
  responses: { 201: json(CreatedKeySchema, "Created"), ...pick(400, 401, 403, 413, 429) },
});

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["api-keys"],
  summary: "Your API keys (never the raw keys)",
  operationId: "listApiKeys",
  security: sessionSecurity,
  middleware: guard,
  responses: { 200: json(z.object({ items: z.array(ApiKeySchema) }), "Your keys"), ...pick(401, 403, 429) },
});

const revokeRoute = createRoute({
  method: "delete",
  path: "/{id}",
  tags: ["api-keys"],
  summary: "Revoke a key (it stops working at once)",
  operationId: "revokeApiKey",
  security: sessionSecurity,
  middleware: guard,
  request: { params: idParam("id") },
  responses: { 200: json(ApiKeySchema, "Revoked"), ...pick(400, 401, 403, 404, 429) },
});

const rotateRoute = createRoute({
  method: "post",
  path: "/{id}/rotate",
  tags: ["api-keys"],
  summary: "Rotate: a new key with the same scopes and limits, the old one revoked, in one request",
  operationId: "rotateApiKey",
  security: sessionSecurity,
  middleware: guard,
  request: { params: idParam("id") },
  responses: { 201: json(CreatedKeySchema, "The replacement key"), ...pick(400, 401, 403, 404, 409, 429) },
});

/** API keys are managed by a signed-in user (never by another key) and are always their owner's own. */
export const apiKeysRoutes = createRouter()
  .openapi(createKeyRoute, async (c) => {
    const user = assertUser(c.var.principal);
    return c.json(await createApiKey(c.var.deps, user.userId, c.req.valid("json")), 201);
  })
  .openapi(listRoute, async (c) => {
    const user = assertUser(c.var.principal);
    return c.json({ items: await listApiKeys(c.var.deps, user.userId) }, 200);
  })
  .openapi(revokeRoute, async (c) => {
    const user = assertUser(c.var.principal);
    return c.json(await revokeApiKey(c.var.deps, user.userId, c.req.valid("param").id), 200);
  })
  .openapi(rotateRoute, async (c) => {
    const user = assertUser(c.var.principal);
    return c.json(await rotateApiKey(c.var.deps, user.userId, c.req.valid("param").id), 201);
  });
