/** The products_fts columns user text is matched against (the fourth, category_terms, is for scoping only). */
const TEXT_COLUMNS = "{title features description}";

/**
 * Turns free text into a safe FTS5 MATCH expression: every token quoted (so FTS syntax in user input
 * — quotes, `NEAR`, `*`, `:` column filters — can never raise a syntax error), implicit AND, and a
 * prefix match on the last token so search-as-you-type works. Returns null when no token remains.
 *
 * Category terms (`c<digits>`) always contain a digit and stemming or case folding never makes one, so only
 * a query with a digit could match one: only then is it confined to the text columns (a column filter costs
 * ~5% on a frequent word, as FTS5 must then read every hit's positions to check the column).
 */
export function toFtsQuery(text: string, maxTokens = 12): string | null {
  const tokens =
    text
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu)
      ?.slice(0, maxTokens) ?? [];
  if (tokens.length === 0) return null;
  const expr = tokens.map((t, i) => (i === tokens.length - 1 && t.length >= 2 ? `"${t}"*` : `"${t}"`)).join(" ");
  return tokens.some((t) => /\p{N}/u.test(t)) ? `${TEXT_COLUMNS} : (${expr})` : expr;
}

/**
 * Scopes a MATCH expression from `toFtsQuery` to one category by its term (`c<category_terms.id>`, see
 * migration 0006): FTS5 then intersects the posting lists and ranks only the products in the category.
 */
export function withCategoryTerm(match: string, termId: number): string {
  if (!Number.isSafeInteger(termId) || termId < 1) throw new Error(`invalid category term id ${termId}`);
  return `${match} AND category_terms : "c${termId}"`;
}
