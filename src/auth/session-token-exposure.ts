/** better-auth routes whose answers carry session tokens. */
const TOKEN_BEARING = /^\/api\/auth\/(get-session|list-sessions)$/;

/**
 * Whether this answer must not show session tokens: a cookie-authenticated caller (a browser page) never
 * needs them, and a token read by a page script works as a bearer token, which would undo the HttpOnly
 * cookie. Bearer callers already hold their token and keep the documented shape.
 */
export function hidesSessionTokens(path: string, headers: Headers): boolean {
  return TOKEN_BEARING.test(path) && !/^bearer\s+\S+/i.test(headers.get("authorization") ?? "");
}

/** Removes `token` from a session object or a list of them (get-session: `{session, user}`; list: `[...]`). */
export function withoutSessionTokens(body: unknown): unknown {
  const strip = (s: unknown) => {
    if (s && typeof s === "object" && !Array.isArray(s)) {
      const { token: _token, ...rest } = s as Record<string, unknown>;
      return rest;
    }
    return s;
  };
  if (Array.isArray(body)) return body.map(strip);
  if (body && typeof body === "object" && "session" in body)
    return { ...(body as Record<string, unknown>), session: strip((body as { session: unknown }).session) };
  return body;
}
