CREATE TABLE `base_images` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`cluster_id` integer,
	`spec` text NOT NULL,
	`registry_credentials_encrypted` text,
	`current_build_id` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `base_images_name_unique` ON `base_images` (`name`);--> statement-breakpoint
CREATE TABLE `code_env_images` (
	`code_env_id` integer NOT NULL,
	`base_ref` text NOT NULL,
	`current_build_id` integer,
	PRIMARY KEY(`code_env_id`, `base_ref`),
	FOREIGN KEY (`code_env_id`) REFERENCES `code_envs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `code_envs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`spec` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `code_envs_name_unique` ON `code_envs` (`name`);--> statement-breakpoint
CREATE TABLE `image_builds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`base_image_id` integer,
	`code_env_id` integer,
	`cluster_id` integer,
	`status` text DEFAULT 'queued' NOT NULL,
	`inputs_hash` text NOT NULL,
	`dockerfile` text NOT NULL,
	`image` text NOT NULL,
	`base_ref` text,
	`digest` text,
	`reason` text,
	`namespace` text,
	`job_name` text,
	`log_tail` text,
	`started_by` integer,
	`queued_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`base_image_id`) REFERENCES `base_images`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`code_env_id`) REFERENCES `code_envs`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`started_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `image_builds_status_idx` ON `image_builds` (`status`,`cluster_id`);--> statement-breakpoint
CREATE INDEX `image_builds_base_image_idx` ON `image_builds` (`base_image_id`);--> statement-breakpoint
CREATE INDEX `image_builds_code_env_idx` ON `image_builds` (`code_env_id`);