import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiScopes } from "../../src/auth/permissions";
import { codesWithStatus, type ErrorStatus } from "../../src/domain/error-codes";
import { securityOfGuard } from "../../src/http/middleware/require";
import { securitySchemes } from "../../src/http/openapi";
import { createTestApp, type TestApp } from "../helpers/app";

/**
 * Every operation in /openapi.json, today's and those added later, held to what docs/architecture.md ("How to
 * add a route") asks: an operationId, the security its guard enforces, the error answers every /v1 route can
 * give, each with the common error body of its status whose codes come from the one code map.
 */
interface Operation {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface Doc {
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties: { error: { properties: { code: { enum: string[] } } } } }> };
}
type RouteDef = { method: string; path: string; security?: unknown };

let t: TestApp;
let doc: Doc;
beforeAll(async () => {
  t = await createTestApp();
  doc = (await (await t.app.request("/openapi.json")).json()) as Doc;
});
afterAll(() => t.cleanup());

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, op })),
  );
const routeDefs = () =>
  (t.app.openAPIRegistry.definitions as { type: string; route?: RouteDef }[])
    .filter((d) => d.type === "route" && d.route)
    .map((d) => d.route as RouteDef);
/** The guards among the handlers Hono serves for this route (createRoute's `middleware` is not in the registry). */
const guardsOf = (r: RouteDef) =>
  t.app.routes
    .filter((h) => h.method === r.method.toUpperCase() && h.path === r.path.replace(/\{([^}]+)\}/g, ":$1"))
    .flatMap((h) => {
      const security = securityOfGuard(h.handler);
      return security ? [security] : [];
    });

describe("the OpenAPI contract of every operation", () => {
  it("has a server and operations", () => {
    expect(doc.servers?.length).toBeGreaterThan(0);
    expect(operations().length).toBeGreaterThan(30);
  });

  it("every operation has a unique operationId and a summary", () => {
    const ids = operations().map(({ name, op }) => {
      expect(op.operationId, name).toMatch(/^[a-z][A-Za-z0-9]+$/);
      expect(op.summary, name).toBeTruthy();
      return op.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("every operation declares its security, with known schemes and API-key scopes", () => {
    for (const { name, op } of operations()) {
      expect(op.security, `${name}: declare security (noSecurity for the ops probes)`).toBeInstanceOf(Array);
      for (const req of op.security ?? []) {
        for (const [scheme, roles] of Object.entries(req)) {
          expect(Object.keys(securitySchemes), name).toContain(scheme);
          if (scheme === "apiKey") expect(apiScopes, name).toEqual(expect.arrayContaining(roles));
          else expect(roles, name).toEqual([]);
        }
      }
    }
  });

  it("every /v1 route has exactly one guard and declares the security that guard enforces", () => {
    const v1 = routeDefs().filter((r) => r.path.startsWith("/v1/"));
    expect(v1.length).toBeGreaterThan(25);
    for (const r of v1) {
      const name = `${r.method.toUpperCase()} ${r.path}`;
      const guards = guardsOf(r);
      expect(guards, `${name}: one guard (requireScope, requirePermission, requireUser) in middleware`).toHaveLength(1);
      expect(r.security, `${name}: security must match its guard (sessionSecurity / scopeSecurity)`).toEqual(guards[0]);
    }
  });

  it("every /v1 operation declares 401, 403 and 429; with input also 400; with a body also 413", () => {
    for (const { name, path, op } of operations().filter((o) => o.path.startsWith("/v1/"))) {
      const declared = Object.keys(op.responses);
      const needed = ["401", "403", "429"];
      if ((op.parameters?.length ?? 0) > 0 || op.requestBody) needed.push("400");
      if (op.requestBody) needed.push("413");
      expect(declared, `${name} (${path})`).toEqual(expect.arrayContaining(needed));
    }
  });

  it("every error answer carries the common error body of its status", () => {
    for (const { name, op } of operations()) {
      for (const [status, res] of Object.entries(op.responses)) {
        if (Number(status) < 400 || name.endsWith("/healthz") || name.endsWith("/readyz")) continue;
        expect(res.content?.["application/json"]?.schema?.$ref, `${name} ${status}`).toBe(
          `#/components/schemas/Error${status}`,
        );
      }
    }
  });

  it("each status's error body lists exactly the code map's codes of that status", () => {
    const bodies = Object.entries(doc.components.schemas).filter(([name]) => /^Error\d{3}$/.test(name));
    expect(bodies.length).toBeGreaterThan(5);
    for (const [name, schema] of bodies) {
      const status = Number(name.slice("Error".length)) as ErrorStatus;
      expect(schema.properties.error.properties.code.enum, name).toEqual(codesWithStatus(status));
    }
  });

  it("no /v1 handler is left out of the document", () => {
    const documented = new Set(operations().map(({ name }) => name));
    const served = t.app.routes
      .filter((r) => r.path.startsWith("/v1/") && r.method !== "ALL")
      .map((r) => `${r.method} ${r.path.replace(/:([^/]+)/g, "{$1}")}`);
    for (const route of new Set(served)) expect(documented, route).toContain(route);
  });
});
