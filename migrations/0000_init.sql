CREATE TABLE `categories` (
	`path` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`parent_path` text,
	`depth` integer NOT NULL,
	`product_count` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `categories_parent_idx` ON `categories` (`parent_path`);--> statement-breakpoint
CREATE TABLE `product_categories` (
	`path` text NOT NULL,
	`product_id` integer NOT NULL,
	`depth` integer NOT NULL,
	PRIMARY KEY(`path`, `product_id`),
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `product_categories_product_idx` ON `product_categories` (`product_id`);--> statement-breakpoint
CREATE TABLE `products` (
	`id` integer PRIMARY KEY NOT NULL,
	`parent_asin` text NOT NULL,
	`title` text DEFAULT '' NOT NULL,
	`store` text,
	`main_category` text,
	`category_path` text,
	`categories` text DEFAULT '[]' NOT NULL,
	`features` text DEFAULT '[]' NOT NULL,
	`description` text DEFAULT '[]' NOT NULL,
	`price` real,
	`average_rating` real,
	`rating_number` integer DEFAULT 0 NOT NULL,
	`images` text DEFAULT '[]' NOT NULL,
	`videos` text DEFAULT '[]' NOT NULL,
	`details` text DEFAULT '{}' NOT NULL,
	`bought_together` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `products_parent_asin_unique` ON `products` (`parent_asin`);--> statement-breakpoint
CREATE INDEX `products_rating_number_idx` ON `products` (`rating_number`,`id`);--> statement-breakpoint
CREATE INDEX `products_average_rating_idx` ON `products` (`average_rating`,`id`);--> statement-breakpoint
CREATE INDEX `products_price_idx` ON `products` (`price`,`id`);--> statement-breakpoint
CREATE INDEX `products_store_idx` ON `products` (`store`);--> statement-breakpoint
CREATE INDEX `products_updated_at_idx` ON `products` (`updated_at`);--> statement-breakpoint
CREATE TABLE `reviewers` (
	`user_id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`parent_asin` text NOT NULL,
	`asin` text,
	`rating` real NOT NULL,
	`timestamp` integer NOT NULL,
	`title` text,
	`text` text,
	`images` text,
	`helpful_vote` integer DEFAULT 0 NOT NULL,
	`verified_purchase` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reviews_user_item_time_uq` ON `reviews` (`user_id`,`parent_asin`,`timestamp`);--> statement-breakpoint
CREATE INDEX `reviews_item_time_idx` ON `reviews` (`parent_asin`,`timestamp`);--> statement-breakpoint
CREATE TABLE `ingest_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`format` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`report` text
);
--> statement-breakpoint
CREATE TABLE `scheduler_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`cron` text NOT NULL,
	`scheduled_at` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`status` text NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `scheduler_runs_started_idx` ON `scheduler_runs` (`started_at`);