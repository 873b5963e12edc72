ALTER TABLE `clusters` ADD `usable_by_all` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `name` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `object` text;--> statement-breakpoint
CREATE INDEX `runs_object_idx` ON `runs` (`project_id`,`object`);