import type { Context } from "hono";
import { resolveAuthSecret } from "../auth/secret";
import type { AppEnv } from "../context";
import { cursorScope, openCursor, sealCursor } from "../domain/cursor";

/**
 * Signed, bound cursors for /v1 list routes (src/domain/cursor.ts), keyed by the app secret from config
 * (BETTER_AUTH_SECRET; a cursor-only key is derived from it). `binding` is what the cursor must be replayed
 * with: the query and filters of a search, the caller of a feed.
 */
export function sealRouteCursor(
  c: Context<AppEnv>,
  purpose: string,
  binding: Record<string, unknown>,
  inner: string | null,
): Promise<string | null> {
  if (inner === null) return Promise.resolve(null);
  return sealCursor(resolveAuthSecret(c.var.deps.config), cursorScope(purpose, binding), inner);
}

export function openRouteCursor(
  c: Context<AppEnv>,
  purpose: string,
  binding: Record<string, unknown>,
  cursor: string,
): Promise<string> {
  return openCursor(resolveAuthSecret(c.var.deps.config), cursorScope(purpose, binding), cursor);
}
