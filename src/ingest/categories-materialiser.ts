import type { Client, InValue } from "@libsql/client";
import { CATEGORY_SEPARATOR } from "../data/amazon";

/**
 * Rebuilds the `categories` table (path, name, parent_path, depth, product_count) from product_categories in
 * one transaction, so readers see either the old tree or the new one. The GROUP BY walks the (path, product_id)
 * primary key in order; names and parents are derived from the path in JS (a few thousand rows at most).
 */
export async function materialiseCategories(client: Client): Promise<number> {
  const tx = await client.transaction("write");
  try {
    // raw SQL: the category tree rebuilt from product_categories after an ingest, bench:ingest
    const rs = await tx.execute(
      "SELECT path, min(depth) AS depth, count(*) AS n FROM product_categories GROUP BY path",
    );
    await tx.execute("DELETE FROM categories");
    const rows = rs.rows.map((r) => {
      const path = String(r.path);
      const cut = path.lastIndexOf(CATEGORY_SEPARATOR);
      return {
        path,
        name: cut === -1 ? path : path.slice(cut + CATEGORY_SEPARATOR.length),
        parentPath: cut === -1 ? null : path.slice(0, cut),
        depth: Number(r.depth),
        count: Number(r.n),
      };
    });
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const args: InValue[] = chunk.flatMap((r) => [r.path, r.name, r.parentPath, r.depth, r.count]);
      // raw SQL: the category tree rebuilt from product_categories after an ingest, bench:ingest
      await tx.execute({
        sql: `INSERT INTO categories (path, name, parent_path, depth, product_count) VALUES ${chunk.map(() => "(?,?,?,?,?)").join(",")}`,
        args,
      });
    }
    await tx.commit();
    return rows.length;
  } finally {
    tx.close();
  }
}
