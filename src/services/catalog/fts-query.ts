/**
 * Turns free text into a safe FTS5 MATCH expression: every token quoted (so FTS syntax in user input
 * — quotes, `NEAR`, `*`, `:` column filters — can never raise a syntax error), implicit AND, and a
 * prefix match on the last token so search-as-you-type works. Returns null when no token remains.
 */
export function toFtsQuery(text: string, maxTokens = 12): string | null {
  const tokens = text.toLowerCase().match(/[\p{L}\p{N}]+/gu)?.slice(0, maxTokens) ?? [];
  if (tokens.length === 0) return null;
  return tokens.map((t, i) => (i === tokens.length - 1 && t.length >= 2 ? `"${t}"*` : `"${t}"`)).join(" ");
}
