CREATE TABLE `docker_host_grants` (
	`docker_host_id` integer NOT NULL,
	`group_id` integer NOT NULL,
	`level` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`docker_host_id`, `group_id`),
	FOREIGN KEY (`docker_host_id`) REFERENCES `docker_hosts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `docker_hosts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`endpoint` text NOT NULL,
	`tls_encrypted` text,
	`usable_by_all` integer DEFAULT false NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `docker_hosts_name_unique` ON `docker_hosts` (`name`);--> statement-breakpoint
ALTER TABLE `execution_configs` ADD `engine` text DEFAULT 'kubernetes' NOT NULL;--> statement-breakpoint
ALTER TABLE `execution_configs` ADD `docker_host_id` integer REFERENCES docker_hosts(id) ON DELETE restrict;--> statement-breakpoint
ALTER TABLE `image_builds` ADD `docker_host_id` integer REFERENCES docker_hosts(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `runs` ADD `docker_host_id` integer REFERENCES docker_hosts(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `runs` ADD `docker_host` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `containers` text DEFAULT '[]' NOT NULL;