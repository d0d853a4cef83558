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

/**
 * Signed cursors (issue 17): `<inner>.<mac>`, the MAC an HMAC-SHA256 (Web Crypto: Node and workerd alike) over
 * the inner cursor and its scope, the purpose and what the cursor is bound to (the caller, the query and its
 * filters). A hand-made or altered cursor, or one replayed with another query or by another caller, fails
 * the check: 400 `invalid_cursor`, before any of it is read.
 */
const subKeys = new Map<string, Promise<CryptoKey>>();
const enc = new TextEncoder();
const hmacKey = (raw: BufferSource) =>
  crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);

/** A cursor-only key derived from the app secret (HMAC(secret, label)): the secret itself signs nothing here. */
function cursorKey(secret: string): Promise<CryptoKey> {
  let key = subKeys.get(secret);
  if (!key) {
    key = hmacKey(enc.encode(secret))
      .then((k) => crypto.subtle.sign("HMAC", k, enc.encode("recircuit cursor key v1")))
      .then(hmacKey);
    subKeys.set(secret, key);
  }
  return key;
}

const b64url = (bytes: Uint8Array): string => {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};
const fromB64url = (s: string): Uint8Array<ArrayBuffer> => {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (ch) => ch.charCodeAt(0));
};

/** What a cursor is bound to: a purpose ("feed", "products") and its binding values, in a fixed order. */
export const cursorScope = (purpose: string, binding: Record<string, unknown>): string =>
  `${purpose}\n${JSON.stringify(
    Object.keys(binding)
      .sort()
      .map((k) => [k, binding[k] ?? null]),
  )}`;

const signed = (scope: string, inner: string) => enc.encode(`${scope}\n${inner}`);

export async function sealCursor(secret: string, scope: string, inner: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await cursorKey(secret), signed(scope, inner));
  return `${inner}.${b64url(new Uint8Array(mac))}`;
}

/** The inner cursor of a sealed one, if its MAC holds for this scope; else 400 `invalid_cursor`. */
export async function openCursor(secret: string, scope: string, cursor: string): Promise<string> {
  const dot = cursor.lastIndexOf(".");
  if (dot > 0 && /^[A-Za-z0-9_-]{43}$/.test(cursor.slice(dot + 1))) {
    const inner = cursor.slice(0, dot);
    const mac = fromB64url(cursor.slice(dot + 1));
    // subtle.verify compares in constant time.
    if (await crypto.subtle.verify("HMAC", await cursorKey(secret), mac, signed(scope, inner))) return inner;
  }
  throw new InvalidInputError("invalid_cursor", "cursor is malformed or does not belong to this query");
}
