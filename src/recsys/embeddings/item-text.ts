/**
 * The text an item is embedded from, and its content hash. Title first, then the leaf category and the
 * first features: the encoders cut long texts (the offline one at 120 characters), and these carry the
 * signal. The hash (SHA-256, Web Crypto: Node and workerd) decides whether a changed product needs a new
 * vector: only when its embedded text changed.
 */
export interface ItemTextSource {
  title: string;
  categoryPath: string | null;
  features: readonly string[];
  description: readonly string[];
}

const MAX_CHARS = 400;

export function itemText(p: ItemTextSource): string {
  const parts = [p.title.trim()];
  // The leaf category names the kind of product; the upper levels are shared by most of the catalogue.
  if (p.categoryPath) parts.push(p.categoryPath.split(" > ").at(-1)?.trim() ?? "");
  const more = [...p.features, ...p.description].map((s) => s.trim()).filter((s) => s !== "");
  let text = parts.filter((s) => s !== "").join(". ");
  for (const s of more) {
    if (text.length >= MAX_CHARS) break;
    text += `. ${s}`;
  }
  return text.slice(0, MAX_CHARS);
}

export async function contentHash(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** A JSON text column (features, description) as a list of strings; anything else is empty. */
export function stringList(raw: unknown): string[] {
  if (typeof raw !== "string" || raw === "") return [];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return []; // a malformed column embeds as title + category only
  }
}
