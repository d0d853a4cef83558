import type { z } from "zod";
import { InvalidInputError } from "./errors";

/**
 * Opaque pagination cursors: base64url JSON validated by a schema on the way back in, so a tampered or
 * stale cursor is a 400 `invalid_cursor`, never a 500. Web APIs only (btoa/TextEncoder).
 */
export function encodeCursor(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    const b64 = cursor.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    const parsed = schema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through to the typed error below: any decoding failure means the same thing to a client
  }
  throw new InvalidInputError("invalid_cursor", "cursor is malformed or does not belong to this query");
}
