import type { ApiScope, RoleName } from "./permissions";

/** Why credentials that were presented did not authenticate (kept for a precise 401 code). */
export type AuthFailure = "invalid_session" | "session_idle";

/** The caller of a /v1 request, resolved once by the principal middleware. */
export type Principal =
  | { type: "anonymous"; failure?: AuthFailure }
  | { type: "user"; userId: string; email: string; role: RoleName; sessionId: string }
  | { type: "api_key"; keyId: string; userId: string; scopes: ApiScope[] };

export type UserPrincipal = Extract<Principal, { type: "user" }>;
export type ApiKeyPrincipal = Extract<Principal, { type: "api_key" }>;

/** The user a principal acts for (the key's owner for API keys), or null when anonymous. */
export const actingUserId = (p: Principal): string | null => (p.type === "anonymous" ? null : p.userId);
