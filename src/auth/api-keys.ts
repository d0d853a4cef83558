import { and, desc, eq } from "drizzle-orm";
import type { AppDeps } from "../context";
import { apikey } from "../db/schema/auth";
import { fromAuthError } from "./errors";
import { permissionsToScopes, scopesToPermissions, type ApiScope } from "./permissions";
import { ConflictError, notFound } from "../domain/errors";

export interface ApiKeyView {
  id: string;
  name: string | null;
  /** First characters of the key (prefix included), to recognise it in a list. */
  start: string | null;
  scopes: ApiScope[];
  status: "active" | "revoked" | "expired";
  rateLimit: { max: number; windowSeconds: number } | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

type Row = typeof apikey.$inferSelect;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const parsePerms = (v: string | null): Record<string, string[]> | null => {
  if (!v) return null;
  try {
    return JSON.parse(v) as Record<string, string[]>;
  } catch {
    return null;
  }
};

export function toKeyView(r: Row): ApiKeyView {
  const expired = r.expiresAt !== null && r.expiresAt.getTime() < Date.now();
  return {
    id: r.id,
    name: r.name,
    start: r.start,
    scopes: permissionsToScopes(parsePerms(r.permissions)),
    status: r.enabled === false ? "revoked" : expired ? "expired" : "active",
    rateLimit:
      r.rateLimitEnabled !== false && r.rateLimitMax !== null && r.rateLimitTimeWindow !== null
        ? { max: r.rateLimitMax, windowSeconds: Math.round(r.rateLimitTimeWindow / 1000) }
        : null,
    createdAt: r.createdAt.toISOString(),
    expiresAt: iso(r.expiresAt),
    lastUsedAt: iso(r.lastRequest),
  };
}

export interface NewKey {
  name: string;
  scopes: ApiScope[];
  /** Requests per window; at most the configured default (a key can be stricter, not looser). */
  rateLimitMax?: number;
  expiresInDays?: number;
}

async function findOwned(deps: Pick<AppDeps, "db">, ownerId: string, keyId: string): Promise<Row> {
  const row = await deps.db
    .select()
    .from(apikey)
    .where(and(eq(apikey.id, keyId), eq(apikey.referenceId, ownerId)))
    .get();
  if (!row) throw notFound("API key");
  return row;
}

/**
 * Creates a key through better-auth (random key, SHA-256 hash at rest, per-key rate limit) as a
 * server call on behalf of `ownerId`. Returns the raw key: the only time it is ever visible.
 */
export async function createApiKey(
  deps: Pick<AppDeps, "auth" | "db" | "config">,
  ownerId: string,
  input: NewKey,
): Promise<ApiKeyView & { key: string }> {
  const { config } = deps;
  try {
    const created = await deps.auth.api.createApiKey({
      body: {
        userId: ownerId,
        name: input.name,
        permissions: scopesToPermissions(input.scopes),
        rateLimitEnabled: true,
        rateLimitMax: Math.min(input.rateLimitMax ?? config.API_KEY_RATE_LIMIT_MAX, config.API_KEY_RATE_LIMIT_MAX),
        rateLimitTimeWindow: config.API_KEY_RATE_LIMIT_WINDOW_SECONDS * 1000,
        expiresIn: input.expiresInDays ? input.expiresInDays * 86_400 : null,
      },
    });
    const row = await findOwned(deps, ownerId, created.id);
    return { ...toKeyView(row), key: created.key };
  } catch (err) {
    throw fromAuthError(err);
  }
}

export async function listApiKeys(deps: Pick<AppDeps, "db">, ownerId: string): Promise<ApiKeyView[]> {
  const rows = await deps.db
    .select()
    .from(apikey)
    .where(eq(apikey.referenceId, ownerId))
    .orderBy(desc(apikey.createdAt), desc(apikey.id));
  return rows.map(toKeyView);
}

/** Revoking disables the key (kept for the owner's audit trail); verification refuses it from now on. */
export async function revokeApiKey(deps: Pick<AppDeps, "db">, ownerId: string, keyId: string): Promise<ApiKeyView> {
  await findOwned(deps, ownerId, keyId);
  await deps.db
    .update(apikey)
    .set({ enabled: false, updatedAt: new Date() })
    .where(and(eq(apikey.id, keyId), eq(apikey.referenceId, ownerId)));
  return toKeyView(await findOwned(deps, ownerId, keyId));
}

/**
 * Rotation in one request: a new key with the same name, scopes, rate limit and remaining lifetime, then
 * the old one revoked. The revoke is conditional on the old key still being active, so two concurrent
 * rotations of one key leave exactly one replacement (the loser's new key is deleted, answer 409).
 */
export async function rotateApiKey(
  deps: Pick<AppDeps, "auth" | "db" | "config">,
  ownerId: string,
  keyId: string,
): Promise<ApiKeyView & { key: string }> {
  const old = await findOwned(deps, ownerId, keyId);
  const view = toKeyView(old);
  if (view.status !== "active") throw new ConflictError("key_not_active", `a ${view.status} key cannot be rotated`);
  const remainingDays = old.expiresAt
    ? Math.max(1, Math.ceil((old.expiresAt.getTime() - Date.now()) / 86_400_000))
    : undefined;
  const fresh = await createApiKey(deps, ownerId, {
    name: old.name ?? "rotated key",
    scopes: view.scopes,
    rateLimitMax: old.rateLimitMax ?? undefined,
    expiresInDays: remainingDays,
  });
  const res = await deps.db
    .update(apikey)
    .set({ enabled: false, updatedAt: new Date() })
    .where(and(eq(apikey.id, keyId), eq(apikey.referenceId, ownerId), eq(apikey.enabled, true)));
  if (res.rowsAffected === 0) {
    await deps.db.delete(apikey).where(eq(apikey.id, fresh.id));
    throw new ConflictError("key_not_active", "the key was revoked or rotated meanwhile");
  }
  return fresh;
}
