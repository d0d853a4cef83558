import type { Database } from "../../src/db/database";

export interface FixtureProduct {
  parentAsin: string;
  title: string;
  store?: string | null;
  categories?: string[];
  features?: string[];
  description?: string[];
  price?: number | null;
  averageRating?: number | null;
  ratingNumber?: number;
}

/**
 * Inserts products with their category rows and refreshes the category tree, the way ingest does,
 * so route tests do not depend on the ingest module's internals.
 */
export async function insertProducts(db: Database, products: FixtureProduct[]): Promise<void> {
  const now = Date.UTC(2026, 0, 1);
  const stmts = [];
  for (const p of products) {
    const cats = p.categories ?? ["Electronics"];
    stmts.push({
      sql: `INSERT INTO products (parent_asin, title, store, main_category, category_path, categories, features, description,
              price, average_rating, rating_number, images, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [
        p.parentAsin,
        p.title,
        p.store ?? null,
        cats[0] ?? null,
        cats.join(" > "),
        JSON.stringify(cats),
        JSON.stringify(p.features ?? []),
        JSON.stringify(p.description ?? []),
        p.price ?? null,
        p.averageRating ?? null,
        p.ratingNumber ?? 0,
        JSON.stringify([{ large: `https://img.example/${p.parentAsin}.jpg` }]),
        now,
        now,
      ],
    });
    for (let depth = 1; depth <= cats.length; depth++) {
      stmts.push({
        sql: `INSERT INTO product_categories (path, product_id, depth) SELECT ?, id, ? FROM products WHERE parent_asin = ?`,
        args: [cats.slice(0, depth).join(" > "), depth, p.parentAsin],
      });
    }
  }
  stmts.push({ sql: "DELETE FROM categories", args: [] });
  stmts.push({
    sql: `INSERT INTO categories (path, name, parent_path, depth, product_count)
          SELECT path, path, NULL, depth, count(*) FROM product_categories GROUP BY path, depth`,
    args: [],
  });
  await db.$client.batch(stmts, "write");
  // name = last segment, parent = path minus last segment (computed in JS: SQLite has no rsplit).
  const { rows } = await db.$client.execute("SELECT path FROM categories");
  await db.$client.batch(
    rows.map((r) => {
      const parts = String(r.path).split(" > ");
      return {
        sql: "UPDATE categories SET name = ?, parent_path = ? WHERE path = ?",
        args: [parts[parts.length - 1], parts.length > 1 ? parts.slice(0, -1).join(" > ") : null, String(r.path)],
      };
    }),
    "write",
  );
}

export async function insertReview(
  db: Database,
  r: { userId: string; parentAsin: string; rating: number; timestamp: number; title?: string; text?: string },
): Promise<void> {
  await db.$client.execute({
    sql: `INSERT INTO reviews (user_id, parent_asin, rating, timestamp, title, text, helpful_vote, verified_purchase)
          VALUES (?, ?, ?, ?, ?, ?, 0, 1)`,
    args: [r.userId, r.parentAsin, r.rating, r.timestamp, r.title ?? null, r.text ?? null],
  });
}
