-- 20261203105858_add_user_verification: down
-- Generated from the models for SQLite. Steps:
--   1. rebuild table `users`: change column `role`: type enum role → enum(USER, MODERATOR, ADMIN); drop column `email_verified`; drop column `verification_token`; drop column `verification_expires`
-- WARNING: drops column `users.email_verified`; drops column `users.verification_token`; drops column `users.verification_expires`

-- rebuild table `users`: change column `role`: type enum role → enum(USER, MODERATOR, ADMIN); drop column `email_verified`; drop column `verification_token`; drop column `verification_expires`
CREATE TABLE "_orm_new_users" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "username" TEXT,
    "name" TEXT,
    "bio" TEXT,
    "image" TEXT,
    "verified" INTEGER NOT NULL DEFAULT 0,
    "role" TEXT NOT NULL DEFAULT 'USER' CHECK ("role" IN ('USER', 'MODERATOR', 'ADMIN')),
    "created_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    "updated_at" TEXT NOT NULL,
    "last_login" TEXT,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
INSERT INTO "_orm_new_users" ("id", "email", "username", "name", "bio", "image", "verified", "role", "created_at", "updated_at", "last_login") SELECT "id", "email", "username", "name", "bio", "image", "verified", "role", "created_at", "updated_at", "last_login" FROM "users";
DROP TABLE "users";
ALTER TABLE "_orm_new_users" RENAME TO "users";
CREATE UNIQUE INDEX "users_email_key" ON "users" ("email");
CREATE UNIQUE INDEX "users_username_key" ON "users" ("username");
