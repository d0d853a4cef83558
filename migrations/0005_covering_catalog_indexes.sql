DROP INDEX `products_rating_number_idx`;--> statement-breakpoint
DROP INDEX `products_average_rating_idx`;--> statement-breakpoint
DROP INDEX `products_price_idx`;--> statement-breakpoint
CREATE INDEX `products_filter_cover_idx` ON `products` (`id`,`price`,`average_rating`,`rating_number`,`store`);--> statement-breakpoint
CREATE INDEX `products_rating_number_idx` ON `products` (`rating_number`,`id`,`price`,`average_rating`,`store`);--> statement-breakpoint
CREATE INDEX `products_average_rating_idx` ON `products` (`average_rating`,`id`,`price`,`rating_number`,`store`);--> statement-breakpoint
CREATE INDEX `products_price_idx` ON `products` (`price`,`id`,`average_rating`,`rating_number`,`store`);