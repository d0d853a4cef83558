import { createAccessControl } from "better-auth/plugins/access";
import { defaultStatements } from "better-auth/plugins/admin/access";

/**
 * The permission matrix (documented in docs/auth.md). better-auth's admin plugin checks its own
 * `user`/`session` statements through this access control; our routes check the marketplace ones.
 */
export const statements = {
  ...defaultStatements,
  catalog: ["read", "write"],
  listing: ["read", "create", "update-own", "update-any", "read-any"],
  order: ["create", "read-own", "read-any"],
  cart: ["use"],
  favorite: ["use"],
  apiKey: ["manage-own"],
  recommendation: ["read"],
  event: ["write"],
  /** Recommendation model versions: see experiments and decisions, pin, roll back (GET/PUT/POST /v1/admin/models). */
  model: ["read", "manage"],
} as const;

export const ac = createAccessControl(statements);

const everyone = {
  catalog: ["read"],
  listing: ["read"],
  order: ["create", "read-own"],
  cart: ["use"],
  favorite: ["use"],
  apiKey: ["manage-own"],
  recommendation: ["read"],
  event: ["write"],
} as const;

export const roles = {
  buyer: ac.newRole({ ...everyone }),
  seller: ac.newRole({ ...everyone, listing: ["read", "create", "update-own"] }),
  admin: ac.newRole({
    ...everyone,
    user: ["create", "list", "set-role", "ban", "delete", "set-password", "get", "update"],
    session: ["list", "revoke", "delete"],
    catalog: ["read", "write"],
    listing: ["read", "create", "update-own", "update-any", "read-any"],
    order: ["create", "read-own", "read-any"],
    model: ["read", "manage"],
  }),
};

export const roleNames = ["buyer", "seller", "admin"] as const;
export type RoleName = (typeof roleNames)[number];
export const isRoleName = (v: unknown): v is RoleName =>
  typeof v === "string" && (roleNames as readonly string[]).includes(v);

type Stmts = typeof statements;
/** A permission request in better-auth's shape, e.g. `{ listing: ["create"] }`. */
export type PermissionRequest = { [K in keyof Stmts]?: Stmts[K][number][] };

/** True when `role` grants every action in `request`. Unknown roles grant nothing. */
export function roleCan(role: string | null | undefined, request: PermissionRequest): boolean {
  if (!isRoleName(role)) return false;
  const r = roles[role] as { authorize: (req: Record<string, string[]>) => { success: boolean } };
  return r.authorize(request as Record<string, string[]>).success;
}

/**
 * API-key scopes. A key stores them as better-auth permissions (`{ catalog: ["read"] }`), so the
 * plugin's own permission checks and ours read the same data.
 */
export const apiScopes = ["catalog:read", "listings:read", "recommendations:read", "events:write"] as const;
export type ApiScope = (typeof apiScopes)[number];

/** The role permission a session user needs to pass the same scope check a key does. */
export const scopeToRolePermission: Record<ApiScope, PermissionRequest> = {
  "catalog:read": { catalog: ["read"] },
  "listings:read": { listing: ["read"] },
  "recommendations:read": { recommendation: ["read"] },
  "events:write": { event: ["write"] },
};

export function scopesToPermissions(scopes: readonly ApiScope[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of scopes) {
    const [resource, action] = s.split(":") as [string, string];
    (out[resource] ??= []).includes(action) || out[resource].push(action);
  }
  return out;
}

export function permissionsToScopes(perms: Record<string, string[]> | null | undefined): ApiScope[] {
  if (!perms) return [];
  const out: ApiScope[] = [];
  for (const s of apiScopes) {
    const [resource, action] = s.split(":") as [string, string];
    if (perms[resource]?.includes(action)) out.push(s);
  }
  return out;
}
