-- 20261203105858_add_user_verification: up
-- Generated from the models for SQLite. Steps:
--   1. add column `users.email_verified` (bigint NOT NULL DEFAULT 0)
--   2. add column `users.verification_token` (text)
--   3. add column `users.verification_expires` (text)
--   4. create unique index `users_verification_token_key` on `users` (verification_token)

-- add column `users.email_verified` (bigint NOT NULL DEFAULT 0)
ALTER TABLE "users" ADD COLUMN "email_verified" INTEGER NOT NULL DEFAULT 0;

-- add column `users.verification_token` (text)
ALTER TABLE "users" ADD COLUMN "verification_token" TEXT;

-- add column `users.verification_expires` (text)
ALTER TABLE "users" ADD COLUMN "verification_expires" TEXT;

-- create unique index `users_verification_token_key` on `users` (verification_token)
CREATE UNIQUE INDEX "users_verification_token_key" ON "users" ("verification_token");
