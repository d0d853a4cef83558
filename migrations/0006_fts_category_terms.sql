CREATE TABLE `category_terms` (
	`id` integer PRIMARY KEY NOT NULL,
	`path` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `category_terms_path_unique` ON `category_terms` (`path`);--> statement-breakpoint
ALTER TABLE `products` ADD `category_terms` text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Category-scoped search as one FTS5 query: every product carries one term per ancestor-or-self category
-- (`c<category_terms.id>`) in a fourth FTS column, so `(q) AND category_terms : "c7"` makes FTS5 intersect
-- the two posting lists and rank only the intersection (before: every hit of q ranked, then filtered).
-- The column has weight 0 in the rank; bm25's document length still counts its few terms.
INSERT INTO `category_terms` (`path`) SELECT DISTINCT `path` FROM `product_categories` ORDER BY `path`;--> statement-breakpoint
UPDATE `products` SET `category_terms` = (
	SELECT group_concat('c' || t.id, ' ') FROM product_categories pc JOIN category_terms t ON t.path = pc.path WHERE pc.product_id = products.id
) WHERE `id` IN (SELECT `product_id` FROM `product_categories`);--> statement-breakpoint
DROP TRIGGER `products_fts_ai`;--> statement-breakpoint
DROP TRIGGER `products_fts_ad`;--> statement-breakpoint
DROP TRIGGER `products_fts_au`;--> statement-breakpoint
DROP TABLE `products_fts`;--> statement-breakpoint
-- External content reads columns by name from `products` (on 'rebuild'), hence products.category_terms.
CREATE VIRTUAL TABLE `products_fts` USING fts5(
	`title`, `features`, `description`, `category_terms`,
	content='products', content_rowid='id', tokenize='porter unicode61'
);
--> statement-breakpoint
INSERT INTO products_fts(products_fts, rank) VALUES ('rank', 'bm25(10.0, 3.0, 1.0, 0.0)');--> statement-breakpoint
INSERT INTO products_fts(products_fts) VALUES ('rebuild');--> statement-breakpoint
CREATE TRIGGER `products_fts_ai` AFTER INSERT ON `products` BEGIN
	INSERT INTO products_fts(rowid, title, features, description, category_terms) VALUES (new.id, new.title, new.features, new.description, new.category_terms);
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_ad` AFTER DELETE ON `products` BEGIN
	INSERT INTO products_fts(products_fts, rowid, title, features, description, category_terms) VALUES ('delete', old.id, old.title, old.features, old.description, old.category_terms);
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_au` AFTER UPDATE OF title, features, description, category_terms ON `products` BEGIN
	INSERT INTO products_fts(products_fts, rowid, title, features, description, category_terms) VALUES ('delete', old.id, old.title, old.features, old.description, old.category_terms);
	INSERT INTO products_fts(rowid, title, features, description, category_terms) VALUES (new.id, new.title, new.features, new.description, new.category_terms);
END;
--> statement-breakpoint
-- product_categories is the truth; these keep products.category_terms (and through products_fts_au, the
-- index) equal to its rows, whoever writes them. A writer that already set the term skips the rewrite.
-- On a product's delete the cascade runs after its row is gone, so the UPDATEs below match nothing.
CREATE TRIGGER `product_categories_terms_ai` AFTER INSERT ON `product_categories` BEGIN
	INSERT OR IGNORE INTO category_terms (path) VALUES (new.path);
	UPDATE products SET category_terms = (
		SELECT group_concat('c' || t.id, ' ') FROM product_categories pc JOIN category_terms t ON t.path = pc.path WHERE pc.product_id = new.product_id
	) WHERE id = new.product_id
		AND instr(' ' || category_terms || ' ', ' c' || (SELECT id FROM category_terms WHERE path = new.path) || ' ') = 0;
END;
--> statement-breakpoint
CREATE TRIGGER `product_categories_terms_ad` AFTER DELETE ON `product_categories` BEGIN
	UPDATE products SET category_terms = coalesce((
		SELECT group_concat('c' || t.id, ' ') FROM product_categories pc JOIN category_terms t ON t.path = pc.path WHERE pc.product_id = old.product_id
	), '') WHERE id = old.product_id;
END;
--> statement-breakpoint
CREATE TRIGGER `product_categories_terms_au` AFTER UPDATE ON `product_categories` BEGIN
	INSERT OR IGNORE INTO category_terms (path) VALUES (new.path);
	UPDATE products SET category_terms = coalesce((
		SELECT group_concat('c' || t.id, ' ') FROM product_categories pc JOIN category_terms t ON t.path = pc.path WHERE pc.product_id = products.id
	), '') WHERE id IN (old.product_id, new.product_id);
END;
