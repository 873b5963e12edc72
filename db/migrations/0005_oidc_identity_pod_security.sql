ALTER TABLE `namespace_policies` ADD `pod_security` text DEFAULT 'baseline' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `oidc_issuer` text;--> statement-breakpoint
ALTER TABLE `users` ADD `oidc_subject` text;--> statement-breakpoint
CREATE UNIQUE INDEX `users_oidc_identity_idx` ON `users` (`oidc_issuer`,`oidc_subject`);