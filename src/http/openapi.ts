import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Hook } from "@hono/zod-openapi";
import type { ApiScope } from "../auth/permissions";
import type { AppEnv } from "../context";
import { codesWithStatus, type ErrorCode, errorCodes, type ErrorStatus } from "../domain/error-codes";
import { errorBody } from "./errors";

/**
 * The API contract's shared pieces: the document's header, security schemes, the error body per status (its
 * `code` an enum from the one code map, src/domain/error-codes.ts) and the router every route module builds on.
 * What each route must declare: docs/architecture.md, "How to add a route"; test/http/openapi-contract.test.ts
 * holds every operation to it.
 */

/** The document's header (served at /openapi.json, dumped by scripts/openapi.ts for lint and client types). */
export const openApiConfig: Parameters<OpenAPIHono["getOpenAPI31Document"]>[0] = {
  openapi: "3.1.0",
  info: {
    title: "Recircuit API",
    version: "1.0.0",
    description: "Marketplace for second-hand electronics: catalog, accounts, listings, cart, recommendations.",
  },
  // Relative: the API is served by the origin that serves this document (Node, Workers, any host name).
  servers: [{ url: "/", description: "The origin serving this document" }],
};

export const securitySchemes = {
  session: {
    type: "apiKey",
    in: "cookie",
    name: "recircuit.session_token",
    description: "Browser session cookie set by POST /api/auth/sign-in/email",
  },
  bearer: {
    type: "http",
    scheme: "bearer",
    description: "Session token from the set-auth-token header of sign-in (non-browser clients)",
  },
  apiKey: {
    type: "apiKey",
    in: "header",
    name: "x-api-key",
    description:
      "Third-party API key with scopes (see docs/auth.md). An operation lists the scope it needs as the " +
      "requirement's roles, e.g. `apiKey: [catalog:read]`; operations without `apiKey` refuse keys (403).",
  },
} as const;
type SchemeName = keyof typeof securitySchemes;
export type SecurityRequirement = Partial<Record<SchemeName, string[]>>;

/** Registers the schemes on the root app (createApp); routes reference them by name. */
export function registerSecuritySchemes(app: OpenAPIHono<AppEnv>) {
  for (const [name, scheme] of Object.entries(securitySchemes))
    app.openAPIRegistry.registerComponent("securitySchemes", name, scheme);
}

/** A signed-in user: session cookie or `Authorization: Bearer <token>` (requireUser, requirePermission). */
export const sessionSecurity: SecurityRequirement[] = [{ session: [] }, { bearer: [] }];
/** A user, or an API key holding `scope`; `anonymous` adds `{}` (no credentials) for public routes (requireScope). */
export const scopeSecurity = (scope: ApiScope, opts: { anonymous?: boolean } = {}): SecurityRequirement[] => [
  { session: [] },
  { bearer: [] },
  { apiKey: [scope] },
  ...(opts.anonymous ? [{}] : []),
];
/** No credentials read at all (the ops probes). */
export const noSecurity: SecurityRequirement[] = [];

/** The error answers a route can declare: every status of the code map but 500 (any route may answer it). */
export type ErrorResponseStatus = Exclude<ErrorStatus, 500>;

const codeList = (codes: readonly ErrorCode[]) =>
  codes.map((code) => `- \`${code}\`: ${errorCodes[code].description}`).join("\n");

const errorSchemas = new Map<ErrorStatus, z.ZodType>();
/** The common error body with `code` narrowed to the codes of one status, as component `Error<status>`. */
export function errorSchema(status: ErrorStatus): z.ZodType {
  let schema = errorSchemas.get(status);
  if (!schema) {
    const codes = codesWithStatus(status);
    schema = z
      .object({
        error: z.object({
          code: z.enum(codes as [ErrorCode, ...ErrorCode[]]).openapi({ description: codeList(codes) }),
          message: z.string().openapi({ description: "For people; clients branch on `code`" }),
          requestId: z.string().openapi({ description: "The x-request-id of this request" }),
          details: z.unknown().optional().openapi({ description: "Structured facts (e.g. validation issues)" }),
        }),
      })
      .openapi(`Error${status}`, { description: `The common error body of a ${status} answer` });
    errorSchemas.set(status, schema);
  }
  return schema;
}

/** The common error body with any registered code. Routes declare `errorResponses(...)` instead: per-status bodies. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      requestId: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

const retryAfter = {
  "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer" as const } },
};
const statusTitles: Record<ErrorResponseStatus, string> = {
  400: "Invalid input",
  401: "No or invalid credentials",
  403: "Authenticated but not allowed",
  404: "Not found, or not yours",
  405: "Method not allowed",
  409: "Conflicts with the current state",
  413: "Request body too large",
  415: "Unsupported content type",
  422: "Well-formed but refers to something unusable",
  429: "Rate limited (see Retry-After, RateLimit, RateLimit-Policy)",
  503: "Temporarily unavailable (see Retry-After)",
};

export interface ErrorResponse {
  description: string;
  headers?: typeof retryAfter;
  content: { "application/json": { schema: z.ZodType } };
}

/**
 * A route's error answers, each with its status's error body: `...errorResponses(400, 401, 403, 404)`.
 * The description names the status's codes; a route narrows it with `describeError` when it says more.
 */
export function errorResponses<S extends ErrorResponseStatus>(...statuses: S[]): Record<S, ErrorResponse> {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: statusTitles[s],
        ...(s === 429 || s === 503 ? { headers: retryAfter } : {}),
        content: { "application/json": { schema: errorSchema(s) } },
      },
    ]),
  ) as Record<S, ErrorResponse>;
}

/** One error answer with a route-specific description (e.g. which of the status's codes this route sends). */
export const describeError = (status: ErrorResponseStatus, description: string): ErrorResponse => ({
  ...errorResponses(status)[status],
  description,
});

/** Every /v1 route can answer these: a presented API key is checked (401) and rate limited (429) on all of them, and guards refuse (403). */
export const v1Errors = [401, 403, 429] as const;

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
