CREATE TABLE `session_kv` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `session_kv_expires_idx` ON `session_kv` (`expires_at`);--> statement-breakpoint
CREATE TABLE `session_lists` (
	`session_id` text PRIMARY KEY NOT NULL,
	`events` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `session_lists_expires_idx` ON `session_lists` (`expires_at`);