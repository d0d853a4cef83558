CREATE TABLE `model_arm_stats` (
	`experiment_id` text NOT NULL,
	`arm` text NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`impressions` integer DEFAULT 0 NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`purchases` integer DEFAULT 0 NOT NULL,
	`errors` integer DEFAULT 0 NOT NULL,
	`latency_ms_sum` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`experiment_id`, `arm`)
);
--> statement-breakpoint
CREATE TABLE `model_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ts` integer NOT NULL,
	`model` text NOT NULL,
	`action` text NOT NULL,
	`from_version` text,
	`to_version` text,
	`experiment_id` text,
	`reason` text NOT NULL,
	`numbers` text,
	`actor` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `model_decisions_model_ts_idx` ON `model_decisions` (`model`,`ts`);--> statement-breakpoint
CREATE TABLE `model_experiments` (
	`id` text PRIMARY KEY NOT NULL,
	`model` text NOT NULL,
	`kind` text NOT NULL,
	`champion` text NOT NULL,
	`challenger` text NOT NULL,
	`status` text NOT NULL,
	`share` real NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`reason` text,
	`offline` text
);
--> statement-breakpoint
CREATE INDEX `model_experiments_status_idx` ON `model_experiments` (`status`,`model`);--> statement-breakpoint
CREATE TABLE `model_pins` (
	`model` text PRIMARY KEY NOT NULL,
	`version` text NOT NULL,
	`pinned_by` text NOT NULL,
	`pinned_at` integer NOT NULL,
	`reason` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `model_selection_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `model_snapshot_arms` (
	`snapshot_id` text NOT NULL,
	`position` integer NOT NULL,
	`experiment_id` text NOT NULL,
	`arm` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`snapshot_id`, `position`)
);
--> statement-breakpoint
CREATE INDEX `model_snapshot_arms_created_idx` ON `model_snapshot_arms` (`created_at`);