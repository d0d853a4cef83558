CREATE TABLE `catalog_revision` (
	`id` integer PRIMARY KEY NOT NULL,
	`revision` integer DEFAULT 0 NOT NULL,
	`heads_revision` integer
);
--> statement-breakpoint
CREATE TABLE `search_head_lists` (
	`match` text PRIMARY KEY NOT NULL,
	`revision` integer NOT NULL,
	`hits` integer NOT NULL,
	`list` blob NOT NULL
);
--> statement-breakpoint
-- Catalog revision: bumped whenever the content of products_fts can change, so precomputed search results
-- (search_head_lists) are used only while their revision is current. Per-row triggers on products (the FTS
-- index's content table); the metadata bulk load drops them with the FTS triggers and bumps the revision once.
INSERT INTO `catalog_revision` (`id`, `revision`) VALUES (1, 1);--> statement-breakpoint
CREATE TRIGGER `catalog_revision_ai` AFTER INSERT ON `products` BEGIN
	UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `catalog_revision_ad` AFTER DELETE ON `products` BEGIN
	UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `catalog_revision_au` AFTER UPDATE OF title, features, description, category_terms ON `products`
	WHEN old.title IS NOT new.title OR old.features IS NOT new.features OR old.description IS NOT new.description OR old.category_terms IS NOT new.category_terms
BEGIN
	UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1;
END;
--> statement-breakpoint
-- The index's vocabulary (term, documents, occurrences), read when choosing which searches get head lists.
CREATE VIRTUAL TABLE `products_fts_vocab` USING fts5vocab(`products_fts`, 'row');
