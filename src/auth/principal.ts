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

/**
 * The signed-in user whose own history, feed and feedback a request reads or writes; null when anonymous and
 * for API keys: a key acts for an application, never as its owner's browsing (src/auth/api-key-subject.ts).
 */
export const actingUserId = (p: Principal): string | null => (p.type === "user" ? p.userId : null);
