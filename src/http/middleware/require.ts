import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { roleCan, scopeToRolePermission, type ApiScope, type PermissionRequest } from "../../auth/permissions";
import type { Principal, UserPrincipal } from "../../auth/principal";
import type { AppEnv } from "../../context";
import { ForbiddenError, UnauthenticatedError } from "../../domain/errors";
import { scopeSecurity, type SecurityRequirement, sessionSecurity } from "../openapi";

/**
 * What each guard admits, as the OpenAPI `security` its routes must declare: test/http/openapi-contract.test.ts
 * compares every route's declaration with its guard's, so the document cannot say more or less than the code.
 */
const guardSecurity = new WeakMap<MiddlewareHandler, SecurityRequirement[]>();
const declared = <M extends MiddlewareHandler>(guard: M, security: SecurityRequirement[]): M => {
  guardSecurity.set(guard, security);
  return guard;
};
/** The security a guard stands for, or undefined for middleware that is not a guard. */
export const securityOfGuard = (m: MiddlewareHandler) => guardSecurity.get(m);

export function unauthenticated(p: Principal): UnauthenticatedError {
  if (p.type === "anonymous" && p.failure === "session_idle") {
    return new UnauthenticatedError("session_idle", "session expired after inactivity; sign in again");
  }
  if (p.type === "anonymous" && p.failure === "invalid_session") {
    return new UnauthenticatedError("invalid_session", "session is invalid, expired or revoked");
  }
  return new UnauthenticatedError("unauthorized", "authentication required");
}

/** The signed-in user, or the right error: 401 for no/invalid credentials, 403 for an API key. */
export function assertUser(p: Principal): UserPrincipal {
  if (p.type === "user") return p;
  if (p.type === "api_key")
    throw new ForbiddenError("session_required", "this route needs a signed-in user, not an API key");
  throw unauthenticated(p);
}

/** Route guard: a signed-in user (session cookie or bearer token). */
export const requireUser = () =>
  declared(
    createMiddleware<AppEnv>(async (c, next) => {
      assertUser(c.var.principal);
      await next();
    }),
    sessionSecurity,
  );

/** Route guard: a signed-in user whose role grants `permission` (403 `forbidden` otherwise). */
export const requirePermission = (permission: PermissionRequest) =>
  declared(
    createMiddleware<AppEnv>(async (c, next) => {
      const u = assertUser(c.var.principal);
      if (!roleCan(u.role, permission)) throw new ForbiddenError("forbidden", "your role does not allow this");
      await next();
    }),
    sessionSecurity,
  );

/**
 * Route guard for routes third parties may call: an API key must hold `scope` (403 `insufficient_scope`),
 * a session user passes by role; anonymous callers pass only when `anonymous: true` (public browsing).
 * A key that presents itself is always checked, even on public routes: it never falls back to anonymous.
 */
export const requireScope = (scope: ApiScope, opts: { anonymous?: boolean } = {}) =>
  declared(
    createMiddleware<AppEnv>(async (c, next) => {
      const p = c.var.principal;
      if (p.type === "api_key") {
        if (!p.scopes.includes(scope))
          throw new ForbiddenError("insufficient_scope", `API key lacks the ${scope} scope`);
      } else if (p.type === "user") {
        if (!roleCan(p.role, scopeToRolePermission[scope]))
          throw new ForbiddenError("forbidden", "your role does not allow this");
      } else if (!opts.anonymous) {
        // On public routes a stale cookie just browses anonymously; elsewhere it is a 401 with the reason.
        throw unauthenticated(p);
      }
      await next();
    }),
    scopeSecurity(scope, opts),
  );
