/** Separator of category path segments, as in "Electronics > Computers & Accessories > Laptops". */
export const CATEGORY_SEPARATOR = " > ";

export interface CategoryPath {
  path: string;
  name: string;
  parentPath: string | null;
  /** 0 for the root. */
  depth: number;
}

/**
 * Ancestor-or-self paths of a product's category list, root first. Falls back to `main_category` (a single
 * root) when the list is empty, and returns nothing when both are missing. Blank segments are dropped.
 */
export function categoryPaths(categories: readonly string[], mainCategory: string | null): CategoryPath[] {
  const segments = categories.map((c) => c.trim()).filter((c) => c.length > 0);
  if (segments.length === 0 && mainCategory && mainCategory.trim()) segments.push(mainCategory.trim());
  const out: CategoryPath[] = [];
  let parent: string | null = null;
  for (let d = 0; d < segments.length; d++) {
    const path: string = parent === null ? segments[d] : parent + CATEGORY_SEPARATOR + segments[d];
    out.push({ path, name: segments[d], parentPath: parent, depth: d });
    parent = path;
  }
  return out;
}
