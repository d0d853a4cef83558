import type { Database } from "../../db/database";

export interface CategoryNode {
  path: string;
  name: string;
  productCount: number;
  children: CategoryNode[];
}

/** The category tree from the materialised `categories` table, children sorted by product count. */
export async function getCategoryTree(db: Database): Promise<CategoryNode[]> {
  const { rows } = await db.$client.execute(
    "SELECT path, name, parent_path, product_count FROM categories ORDER BY depth, product_count DESC, path",
  );
  const byPath = new Map<string, CategoryNode>();
  const roots: CategoryNode[] = [];
  for (const r of rows) {
    const node: CategoryNode = {
      path: String(r.path),
      name: String(r.name),
      productCount: Number(r.product_count),
      children: [],
    };
    byPath.set(node.path, node);
    const parent = r.parent_path === null ? undefined : byPath.get(String(r.parent_path));
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}
