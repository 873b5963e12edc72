CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` integer,
	`project` text NOT NULL,
	`user_id` integer,
	`username` text NOT NULL,
	`activity` text NOT NULL,
	`cluster_id` integer,
	`cluster` text NOT NULL,
	`execution_config` text,
	`spark_config` text,
	`code_env` text,
	`namespace` text NOT NULL,
	`workload` text NOT NULL,
	`request` text NOT NULL,
	`resolution` text NOT NULL,
	`warnings` text DEFAULT '[]' NOT NULL,
	`gpus` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`reason` text,
	`exit_code` integer,
	`pods` text DEFAULT '[]' NOT NULL,
	`timeline` text DEFAULT '[]' NOT NULL,
	`events` text,
	`log_tail` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`cleaned_up_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `runs_status_idx` ON `runs` (`status`);--> statement-breakpoint
CREATE INDEX `runs_project_idx` ON `runs` (`project_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_user_idx` ON `runs` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_cluster_idx` ON `runs` (`cluster_id`,`status`);