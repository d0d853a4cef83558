CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_target_idx` ON `audit_log` (`target_type`,`target_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `seller_terms` (
	`user_id` text PRIMARY KEY NOT NULL,
	`terms_version` text NOT NULL,
	`accepted_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `listings` ADD `moderation_reason` text;--> statement-breakpoint
ALTER TABLE `order_items` ADD `status` text DEFAULT 'placed' NOT NULL;--> statement-breakpoint
ALTER TABLE `order_items` ADD `shipped_at` integer;--> statement-breakpoint
ALTER TABLE `order_items` ADD `completed_at` integer;