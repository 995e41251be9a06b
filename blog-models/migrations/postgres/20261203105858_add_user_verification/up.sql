-- 20261203105858_add_user_verification: up
-- Generated from the models for PostgreSQL. Steps:
--   1. add column `users.email_verified` (boolean NOT NULL DEFAULT false)
--   2. add column `users.verification_token` (text)
--   3. add column `users.verification_expires` (timestamptz)
--   4. create unique index `users_verification_token_key` on `users` (verification_token)

-- add column `users.email_verified` (boolean NOT NULL DEFAULT false)
ALTER TABLE "users" ADD COLUMN "email_verified" BOOLEAN NOT NULL DEFAULT false;

-- add column `users.verification_token` (text)
ALTER TABLE "users" ADD COLUMN "verification_token" TEXT;

-- add column `users.verification_expires` (timestamptz)
ALTER TABLE "users" ADD COLUMN "verification_expires" TIMESTAMPTZ;

-- create unique index `users_verification_token_key` on `users` (verification_token)
CREATE UNIQUE INDEX "users_verification_token_key" ON "users" ("verification_token");
