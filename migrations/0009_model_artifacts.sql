CREATE TABLE `model_artifact_chunks` (
	`model` text NOT NULL,
	`version` text NOT NULL,
	`seq` integer NOT NULL,
	`bytes` blob NOT NULL,
	`sha256` text NOT NULL,
	PRIMARY KEY(`model`, `version`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `model_artifacts` (
	`model` text NOT NULL,
	`version` text NOT NULL,
	`status` text NOT NULL,
	`manifest` text NOT NULL,
	`chunk_count` integer NOT NULL,
	`byte_length` integer NOT NULL,
	`sha256` text NOT NULL,
	`started_at` integer NOT NULL,
	`completed_at` integer,
	PRIMARY KEY(`model`, `version`)
);
--> statement-breakpoint
CREATE INDEX `model_artifacts_status_idx` ON `model_artifacts` (`status`,`started_at`);--> statement-breakpoint
CREATE TABLE `model_live` (
	`model` text PRIMARY KEY NOT NULL,
	`version` text NOT NULL,
	`updated_at` integer NOT NULL,
	`reason` text NOT NULL
);
