CREATE TABLE `item_embeddings` (
	`embedder` text NOT NULL,
	`item_id` text NOT NULL,
	`content_hash` text NOT NULL,
	`source_updated_at` integer NOT NULL,
	`dim` integer NOT NULL,
	`vector` blob NOT NULL,
	`embedded_at` integer NOT NULL,
	PRIMARY KEY(`embedder`, `item_id`)
);
--> statement-breakpoint
CREATE INDEX `item_embeddings_embedded_idx` ON `item_embeddings` (`embedder`,`embedded_at`);