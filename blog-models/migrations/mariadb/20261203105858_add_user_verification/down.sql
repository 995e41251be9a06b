-- 20261203105858_add_user_verification: down
-- Generated from the models for MySQL/MariaDB. Steps:
--   1. drop index `users_verification_token_key` on `users`
--   2. drop column `users.email_verified`
--   3. drop column `users.verification_token`
--   4. drop column `users.verification_expires`
-- WARNING: drops column `users.email_verified` and its values
-- WARNING: drops column `users.verification_token` and its values
-- WARNING: drops column `users.verification_expires` and its values

-- drop index `users_verification_token_key` on `users`
DROP INDEX `users_verification_token_key` ON `users`;

-- drop column `users.email_verified`
ALTER TABLE `users` DROP COLUMN `email_verified`;

-- drop column `users.verification_token`
ALTER TABLE `users` DROP COLUMN `verification_token`;

-- drop column `users.verification_expires`
ALTER TABLE `users` DROP COLUMN `verification_expires`;
