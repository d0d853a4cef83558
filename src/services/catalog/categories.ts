import { asc, desc } from "drizzle-orm";
import { categories } from "../../db/schema/catalog";
import type { Queryable } from "../queryable";

export interface CategoryNode {
  path: string;
  name: string;
  productCount: number;
  children: CategoryNode[];
}

/** The category tree from the materialised `categories` table, children sorted by product count. */
export async function getCategoryTree(db: Queryable): Promise<CategoryNode[]> {
  const rows = await db
    .select()
    .from(categories)
    .orderBy(asc(categories.depth), desc(categories.productCount), asc(categories.path));
  const byPath = new Map<string, CategoryNode>();
  const roots: CategoryNode[] = [];
  for (const r of rows) {
    const node: CategoryNode = { path: r.path, name: r.name, productCount: r.productCount, children: [] };
    byPath.set(node.path, node);
    const parent = r.parentPath === null ? undefined : byPath.get(r.parentPath);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}
