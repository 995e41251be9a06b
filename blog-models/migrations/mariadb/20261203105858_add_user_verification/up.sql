-- 20261203105858_add_user_verification: up
-- Generated from the models for MySQL/MariaDB. Steps:
--   1. add column `users.email_verified` (boolean NOT NULL DEFAULT false)
--   2. add column `users.verification_token` (varchar(191))
--   3. add column `users.verification_expires` (timestamp)
--   4. create unique index `users_verification_token_key` on `users` (verification_token)

-- add column `users.email_verified` (boolean NOT NULL DEFAULT false)
ALTER TABLE `users` ADD COLUMN `email_verified` BOOLEAN NOT NULL DEFAULT 0;

-- add column `users.verification_token` (varchar(191))
ALTER TABLE `users` ADD COLUMN `verification_token` VARCHAR(191) COLLATE utf8mb4_nopad_bin;

-- add column `users.verification_expires` (timestamp)
ALTER TABLE `users` ADD COLUMN `verification_expires` DATETIME(6);

-- create unique index `users_verification_token_key` on `users` (verification_token)
CREATE UNIQUE INDEX `users_verification_token_key` ON `users` (`verification_token`);
