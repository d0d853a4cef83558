/**
 * Qdrant accepts only unsigned integers or UUIDs as point ids, while item ids are arbitrary strings.
 * We derive a UUIDv5 (SHA-1, RFC 4122 §4.3) from the item id: deterministic, so deletes and
 * exclusions need no lookup table, and collision-free in practice (122 random bits). The original id
 * travels in the payload (`item_id`) so search hits map back without a reverse index.
 * Web Crypto only, so this runs in workerd too.
 */

/** Fixed namespace for Recircuit item ids (a random UUID chosen once; never change it). */
export const ITEM_ID_NAMESPACE = "6f1c8e52-3a4b-4c7d-9e0f-5b2a1d3c4e6f";

const encoder = new TextEncoder();
const namespaceBytes = hexToBytes(ITEM_ID_NAMESPACE.replace(/-/g, ""));

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function bytesToUuid(b: Uint8Array): string {
  const hex = Array.from(b.subarray(0, 16), (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** UUIDv5(ITEM_ID_NAMESPACE, itemId) in canonical lowercase form. */
export async function pointIdFor(itemId: string): Promise<string> {
  const name = encoder.encode(itemId);
  const input = new Uint8Array(namespaceBytes.length + name.length);
  input.set(namespaceBytes);
  input.set(name, namespaceBytes.length);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-1", input));
  hash[6] = (hash[6] & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8] & 0x3f) | 0x80; // RFC 4122 variant
  return bytesToUuid(hash);
}

export function pointIdsFor(itemIds: readonly string[]): Promise<string[]> {
  return Promise.all(itemIds.map(pointIdFor));
}
