-- 20261203105847_init: up
-- Generated from the models for PostgreSQL. Steps:
--   1. create enum `role` (USER, MODERATOR, ADMIN)
--   2. create enum `notification_type` (LIKE, COMMENT, FOLLOW, MENTION, SYSTEM)
--   3. create enum `theme` (LIGHT, DARK, SYSTEM)
--   4. create table `users`
--   5. create table `accounts`
--   6. create table `sessions`
--   7. create table `posts`
--   8. create table `categories`
--   9. create table `tags`
--   10. create table `post_tags`
--   11. create table `comments`
--   12. create table `likes`
--   13. create table `follows`
--   14. create table `notifications`
--   15. create table `user_settings`
--   16. add foreign key `accounts_user_id_fkey` on `accounts` (user_id) referencing `users` (id)
--   17. add foreign key `sessions_user_id_fkey` on `sessions` (user_id) referencing `users` (id)
--   18. add foreign key `posts_author_id_fkey` on `posts` (author_id) referencing `users` (id)
--   19. add foreign key `posts_category_id_fkey` on `posts` (category_id) referencing `categories` (id)
--   20. add foreign key `categories_parent_id_fkey` on `categories` (parent_id) referencing `categories` (id)
--   21. add foreign key `post_tags_post_id_fkey` on `post_tags` (post_id) referencing `posts` (id)
--   22. add foreign key `post_tags_tag_id_fkey` on `post_tags` (tag_id) referencing `tags` (id)
--   23. add foreign key `comments_post_id_fkey` on `comments` (post_id) referencing `posts` (id)
--   24. add foreign key `comments_author_id_fkey` on `comments` (author_id) referencing `users` (id)
--   25. add foreign key `comments_parent_id_fkey` on `comments` (parent_id) referencing `comments` (id)
--   26. add foreign key `likes_user_id_fkey` on `likes` (user_id) referencing `users` (id)
--   27. add foreign key `likes_post_id_fkey` on `likes` (post_id) referencing `posts` (id)
--   28. add foreign key `likes_comment_id_fkey` on `likes` (comment_id) referencing `comments` (id)
--   29. add foreign key `follows_follower_id_fkey` on `follows` (follower_id) referencing `users` (id)
--   30. add foreign key `follows_following_id_fkey` on `follows` (following_id) referencing `users` (id)
--   31. add foreign key `notifications_recipient_id_fkey` on `notifications` (recipient_id) referencing `users` (id)
--   32. add foreign key `notifications_sender_id_fkey` on `notifications` (sender_id) referencing `users` (id)
--   33. add foreign key `user_settings_user_id_fkey` on `user_settings` (user_id) referencing `users` (id)

-- create enum `role` (USER, MODERATOR, ADMIN)
CREATE TYPE "role" AS ENUM ('USER', 'MODERATOR', 'ADMIN');

-- create enum `notification_type` (LIKE, COMMENT, FOLLOW, MENTION, SYSTEM)
CREATE TYPE "notification_type" AS ENUM ('LIKE', 'COMMENT', 'FOLLOW', 'MENTION', 'SYSTEM');

-- create enum `theme` (LIGHT, DARK, SYSTEM)
CREATE TYPE "theme" AS ENUM ('LIGHT', 'DARK', 'SYSTEM');

-- create table `users`
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "username" TEXT,
    "name" TEXT,
    "bio" TEXT,
    "image" TEXT,
    "verified" BOOLEAN NOT NULL DEFAULT false,
    "role" "role" NOT NULL DEFAULT 'USER',
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "last_login" TIMESTAMPTZ,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "users_email_key" ON "users" ("email");
CREATE UNIQUE INDEX "users_username_key" ON "users" ("username");

-- create table `accounts`
CREATE TABLE "accounts" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_account_id" TEXT NOT NULL,
    "refresh_token" TEXT,
    "access_token" TEXT,
    "expires_at" INTEGER,
    "token_type" TEXT,
    "scope" TEXT,
    "id_token" TEXT,
    "session_state" TEXT,
    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "accounts_provider_provider_account_id_key" ON "accounts" ("provider", "provider_account_id");
CREATE INDEX "accounts_user_id_idx" ON "accounts" ("user_id");

-- create table `sessions`
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "session_token" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "expires" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "sessions_session_token_key" ON "sessions" ("session_token");
CREATE INDEX "sessions_user_id_idx" ON "sessions" ("user_id");

-- create table `posts`
CREATE TABLE "posts" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "excerpt" TEXT,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "featured" BOOLEAN NOT NULL DEFAULT false,
    "view_count" INTEGER NOT NULL DEFAULT 0,
    "slug" TEXT NOT NULL,
    "meta_title" TEXT,
    "meta_description" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "published_at" TIMESTAMPTZ,
    "author_id" TEXT NOT NULL,
    "category_id" TEXT,
    CONSTRAINT "posts_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "posts_slug_key" ON "posts" ("slug");
CREATE INDEX "posts_published_created_at_idx" ON "posts" ("published", "created_at");
CREATE INDEX "posts_author_id_created_at_idx" ON "posts" ("author_id", "created_at");
CREATE INDEX "posts_slug_idx" ON "posts" ("slug");
CREATE INDEX "posts_category_id_idx" ON "posts" ("category_id");

-- create table `categories`
CREATE TABLE "categories" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "description" TEXT,
    "color" TEXT,
    "parent_id" TEXT,
    CONSTRAINT "categories_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "categories_name_key" ON "categories" ("name");
CREATE UNIQUE INDEX "categories_slug_key" ON "categories" ("slug");
CREATE INDEX "categories_parent_id_idx" ON "categories" ("parent_id");

-- create table `tags`
CREATE TABLE "tags" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "description" TEXT,
    "color" TEXT,
    CONSTRAINT "tags_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "tags_name_key" ON "tags" ("name");
CREATE UNIQUE INDEX "tags_slug_key" ON "tags" ("slug");

-- create table `post_tags`
CREATE TABLE "post_tags" (
    "post_id" TEXT NOT NULL,
    "tag_id" TEXT NOT NULL,
    CONSTRAINT "post_tags_pkey" PRIMARY KEY ("post_id", "tag_id")
);
CREATE INDEX "post_tags_tag_id_idx" ON "post_tags" ("tag_id");

-- create table `comments`
CREATE TABLE "comments" (
    "id" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "post_id" TEXT NOT NULL,
    "author_id" TEXT NOT NULL,
    "parent_id" TEXT,
    CONSTRAINT "comments_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "comments_post_id_created_at_idx" ON "comments" ("post_id", "created_at");
CREATE INDEX "comments_author_id_idx" ON "comments" ("author_id");
CREATE INDEX "comments_parent_id_idx" ON "comments" ("parent_id");

-- create table `likes`
CREATE TABLE "likes" (
    "id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "user_id" TEXT NOT NULL,
    "post_id" TEXT,
    "comment_id" TEXT,
    CONSTRAINT "likes_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "likes_user_id_post_id_key" ON "likes" ("user_id", "post_id");
CREATE UNIQUE INDEX "likes_user_id_comment_id_key" ON "likes" ("user_id", "comment_id");
CREATE INDEX "likes_post_id_idx" ON "likes" ("post_id");
CREATE INDEX "likes_comment_id_idx" ON "likes" ("comment_id");

-- create table `follows`
CREATE TABLE "follows" (
    "id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "follower_id" TEXT NOT NULL,
    "following_id" TEXT NOT NULL,
    CONSTRAINT "follows_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "follows_follower_id_following_id_key" ON "follows" ("follower_id", "following_id");
CREATE INDEX "follows_following_id_idx" ON "follows" ("following_id");

-- create table `notifications`
CREATE TABLE "notifications" (
    "id" TEXT NOT NULL,
    "type" "notification_type" NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "read" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recipient_id" TEXT NOT NULL,
    "sender_id" TEXT,
    "metadata" JSONB,
    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "notifications_recipient_id_read_created_at_idx" ON "notifications" ("recipient_id", "read", "created_at");
CREATE INDEX "notifications_sender_id_idx" ON "notifications" ("sender_id");

-- create table `user_settings`
CREATE TABLE "user_settings" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "profile_private" BOOLEAN NOT NULL DEFAULT false,
    "email_notifications" BOOLEAN NOT NULL DEFAULT true,
    "push_notifications" BOOLEAN NOT NULL DEFAULT true,
    "theme" "theme" NOT NULL DEFAULT 'SYSTEM',
    "language" TEXT NOT NULL DEFAULT 'en',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    CONSTRAINT "user_settings_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "user_settings_user_id_key" ON "user_settings" ("user_id");

-- add foreign key `accounts_user_id_fkey` on `accounts` (user_id) referencing `users` (id)
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `sessions_user_id_fkey` on `sessions` (user_id) referencing `users` (id)
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `posts_author_id_fkey` on `posts` (author_id) referencing `users` (id)
ALTER TABLE "posts" ADD CONSTRAINT "posts_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `posts_category_id_fkey` on `posts` (category_id) referencing `categories` (id)
ALTER TABLE "posts" ADD CONSTRAINT "posts_category_id_fkey" FOREIGN KEY ("category_id") REFERENCES "categories" ("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- add foreign key `categories_parent_id_fkey` on `categories` (parent_id) referencing `categories` (id)
ALTER TABLE "categories" ADD CONSTRAINT "categories_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "categories" ("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- add foreign key `post_tags_post_id_fkey` on `post_tags` (post_id) referencing `posts` (id)
ALTER TABLE "post_tags" ADD CONSTRAINT "post_tags_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `post_tags_tag_id_fkey` on `post_tags` (tag_id) referencing `tags` (id)
ALTER TABLE "post_tags" ADD CONSTRAINT "post_tags_tag_id_fkey" FOREIGN KEY ("tag_id") REFERENCES "tags" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `comments_post_id_fkey` on `comments` (post_id) referencing `posts` (id)
ALTER TABLE "comments" ADD CONSTRAINT "comments_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `comments_author_id_fkey` on `comments` (author_id) referencing `users` (id)
ALTER TABLE "comments" ADD CONSTRAINT "comments_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `comments_parent_id_fkey` on `comments` (parent_id) referencing `comments` (id)
ALTER TABLE "comments" ADD CONSTRAINT "comments_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "comments" ("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- add foreign key `likes_user_id_fkey` on `likes` (user_id) referencing `users` (id)
ALTER TABLE "likes" ADD CONSTRAINT "likes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `likes_post_id_fkey` on `likes` (post_id) referencing `posts` (id)
ALTER TABLE "likes" ADD CONSTRAINT "likes_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `likes_comment_id_fkey` on `likes` (comment_id) referencing `comments` (id)
ALTER TABLE "likes" ADD CONSTRAINT "likes_comment_id_fkey" FOREIGN KEY ("comment_id") REFERENCES "comments" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `follows_follower_id_fkey` on `follows` (follower_id) referencing `users` (id)
ALTER TABLE "follows" ADD CONSTRAINT "follows_follower_id_fkey" FOREIGN KEY ("follower_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `follows_following_id_fkey` on `follows` (following_id) referencing `users` (id)
ALTER TABLE "follows" ADD CONSTRAINT "follows_following_id_fkey" FOREIGN KEY ("following_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `notifications_recipient_id_fkey` on `notifications` (recipient_id) referencing `users` (id)
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_recipient_id_fkey" FOREIGN KEY ("recipient_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `notifications_sender_id_fkey` on `notifications` (sender_id) referencing `users` (id)
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_sender_id_fkey" FOREIGN KEY ("sender_id") REFERENCES "users" ("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- add foreign key `user_settings_user_id_fkey` on `user_settings` (user_id) referencing `users` (id)
ALTER TABLE "user_settings" ADD CONSTRAINT "user_settings_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
