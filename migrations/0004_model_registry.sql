CREATE TABLE `model_registry` (
	`model` text NOT NULL,
	`version` text NOT NULL,
	`params` text NOT NULL,
	`data_window` text NOT NULL,
	`metrics` text NOT NULL,
	`artifact_location` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`model`, `version`)
);
--> statement-breakpoint
CREATE INDEX `model_registry_created_idx` ON `model_registry` (`model`,`created_at`);