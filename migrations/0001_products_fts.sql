-- Full-text search over title, features and description (FTS5 is built into libSQL).
-- External-content table: the text lives once, in `products`; triggers keep the index in step.
-- porter stemming so "cameras" finds "camera"; bm25 weights title above features above description.
CREATE VIRTUAL TABLE `products_fts` USING fts5(
	`title`, `features`, `description`,
	content='products', content_rowid='id', tokenize='porter unicode61'
);
--> statement-breakpoint
CREATE TRIGGER `products_fts_ai` AFTER INSERT ON `products` BEGIN
	INSERT INTO products_fts(rowid, title, features, description) VALUES (new.id, new.title, new.features, new.description);
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_ad` AFTER DELETE ON `products` BEGIN
	INSERT INTO products_fts(products_fts, rowid, title, features, description) VALUES ('delete', old.id, old.title, old.features, old.description);
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_au` AFTER UPDATE OF title, features, description ON `products` BEGIN
	INSERT INTO products_fts(products_fts, rowid, title, features, description) VALUES ('delete', old.id, old.title, old.features, old.description);
	INSERT INTO products_fts(rowid, title, features, description) VALUES (new.id, new.title, new.features, new.description);
END;
