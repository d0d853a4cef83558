import type { Context } from "hono";
import { z } from "zod";
import { createApiKey, listApiKeys, revokeApiKey } from "../../auth/api-keys";
import { apiScopes, roleCan, type ApiScope } from "../../auth/permissions";
import type { AppEnv } from "../../context";
import { InvalidInputError, notFound } from "../../domain/errors";
import { listUserSessions, ownSessionToken } from "../../services/account/sessions";
import { shortDate } from "../format";
import { mustPageUser, type PageUser } from "../page-auth";
import { callAuth } from "../auth-calls";
import { renderPage } from "../render";

const canManageKeys = (u: PageUser) => roleCan(u.role, { apiKey: ["manage-own"] });

function browserOf(ua: string | null): string {
  if (!ua) return "Unknown device";
  const b = /Edg\//.test(ua)
    ? "Edge"
    : /Chrome\//.test(ua)
      ? "Chrome"
      : /Firefox\//.test(ua)
        ? "Firefox"
        : /Safari\//.test(ua)
          ? "Safari"
          : "Browser";
  const os = /Windows/.test(ua)
    ? "Windows"
    : /Mac OS X/.test(ua)
      ? "macOS"
      : /Android/.test(ua)
        ? "Android"
        : /iPhone|iPad/.test(ua)
          ? "iOS"
          : /Linux/.test(ua)
            ? "Linux"
            : "";
  return os ? `${b} on ${os}` : b;
}

/** Account and security: who you are, active sessions (revoke any other), API keys (create once-shown, revoke). */
export async function accountPage(c: Context<AppEnv>, created?: { name: string; key: string }) {
  const user = mustPageUser(c);
  const { deps } = c.var;
  const [sessions, keys] = await Promise.all([
    listUserSessions(deps.db, user.userId, deps.clock()),
    canManageKeys(user) ? listApiKeys(deps, user.userId) : Promise.resolve([]),
  ]);
  const notice =
    c.req.query("revoked") === "session"
      ? "Session signed out."
      : c.req.query("revoked") === "key"
        ? "API key revoked."
        : null;
  return renderPage(
    c,
    { title: "Account", page: "account" },
    <section aria-labelledby="account-title">
      <h1 id="account-title">Account &amp; security</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <p>{`Signed in as ${user.email} (${user.role}).`}</p>
      <h2 id="sessions-title">Active sessions</h2>
      <table class="data" aria-labelledby="sessions-title">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Address</th>
            <th scope="col">Signed in</th>
            <th scope="col">Last active</th>
            <th scope="col">
              <span class="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr>
              <td>{browserOf(s.userAgent)}</td>
              <td>{s.ipAddress ?? "—"}</td>
              <td>{shortDate(s.createdAt.getTime())}</td>
              <td>{s.lastActiveAt ? shortDate(s.lastActiveAt.getTime()) : "—"}</td>
              <td>
                {s.id === user.sessionId ? (
                  <strong>This device</strong>
                ) : (
                  <form method="post" action="/account/sessions/revoke">
                    <input type="hidden" name="session" value={s.id} />
                    <button type="submit" class="secondary danger" aria-label={`Sign out ${browserOf(s.userAgent)}`}>
                      Sign out
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {canManageKeys(user) ? (
        <>
          <h2 id="keys-title">API keys</h2>
          {created ? (
            <div class="notice" role="status">
              <p>{`Key “${created.name}” created. Copy it now: it is shown only once.`}</p>
              <p>
                <code class="secret">{created.key}</code>
              </p>
            </div>
          ) : null}
          {keys.length === 0 ? <p>No API keys yet.</p> : null}
          {keys.length > 0 ? (
            <table class="data" aria-labelledby="keys-title">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Starts with</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span class="visually-hidden">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr>
                    <td>{k.name ?? "—"}</td>
                    <td>
                      <code>{k.start ?? ""}</code>
                    </td>
                    <td>{k.scopes.join(", ")}</td>
                    <td>{k.status}</td>
                    <td>
                      {k.status === "active" ? (
                        <form method="post" action="/account/api-keys/revoke">
                          <input type="hidden" name="key" value={k.id} />
                          <button type="submit" class="secondary danger" aria-label={`Revoke ${k.name ?? "key"}`}>
                            Revoke
                          </button>
                        </form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <form method="post" action="/account/api-keys" class="stack">
            <h3>New API key</h3>
            <label for="key-name">
              Name
              <input id="key-name" name="name" required maxlength={64} placeholder="e.g. price tracker" />
            </label>
            <fieldset>
              <legend>Scopes</legend>
              {apiScopes.map((s) => (
                <label class="inline-check">
                  <input type="checkbox" name="scopes" value={s} checked={s === "catalog:read"} /> {s}
                </label>
              ))}
            </fieldset>
            <button type="submit" class="primary">
              Create key
            </button>
          </form>
        </>
      ) : null}
    </section>,
  );
}

export async function revokeSessionAction(c: Context<AppEnv>) {
  const user = mustPageUser(c);
  const id = (await c.req.parseBody()).session;
  if (typeof id !== "string" || !id) throw new InvalidInputError("invalid_request", "no session given");
  const token = await ownSessionToken(c.var.deps.db, user.userId, id);
  if (!token) throw notFound("session");
  const res = await callAuth(c, "/revoke-session", { token });
  if (!res.ok) throw new InvalidInputError("invalid_request", res.message);
  return c.redirect("/account?revoked=session", 303);
}

const NewKey = z.object({
  name: z.string().trim().min(1).max(64),
  scopes: z.array(z.enum(apiScopes)).min(1, "pick at least one scope"),
});

export async function createKeyAction(c: Context<AppEnv>) {
  const user = mustPageUser(c);
  if (!canManageKeys(user)) throw notFound("page");
  const body = await c.req.parseBody({ all: true });
  const scopes = body.scopes === undefined ? [] : Array.isArray(body.scopes) ? body.scopes : [body.scopes];
  const parsed = NewKey.safeParse({ name: body.name, scopes });
  if (!parsed.success)
    throw new InvalidInputError(
      "invalid_request",
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    );
  const created = await createApiKey(c.var.deps, user.userId, {
    name: parsed.data.name,
    scopes: parsed.data.scopes as ApiScope[],
  });
  // Rendered directly (not redirected): the raw key must not travel in a URL or be stored anywhere.
  c.header("Cache-Control", "no-store");
  return accountPage(c, { name: parsed.data.name, key: created.key });
}

export async function revokeKeyAction(c: Context<AppEnv>) {
  const user = mustPageUser(c);
  const id = (await c.req.parseBody()).key;
  if (typeof id !== "string" || !id) throw new InvalidInputError("invalid_request", "no key given");
  await revokeApiKey(c.var.deps, user.userId, id);
  return c.redirect("/account?revoked=key", 303);
}
