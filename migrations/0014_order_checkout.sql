CREATE TABLE `order_checkout` (
	`order_id` text PRIMARY KEY NOT NULL,
	`ship_name` text NOT NULL,
	`ship_line1` text NOT NULL,
	`ship_line2` text,
	`ship_city` text NOT NULL,
	`ship_postal_code` text NOT NULL,
	`ship_country` text NOT NULL,
	`payment_mode` text NOT NULL,
	`payment_id` text NOT NULL,
	`payment_brand` text NOT NULL,
	`payment_last4` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade
);
