-- 20261203105848_init: down
-- Generated from the models for SQLite. Steps:
--   1. drop table `users`
--   2. drop table `accounts`
--   3. drop table `sessions`
--   4. drop table `posts`
--   5. drop table `categories`
--   6. drop table `tags`
--   7. drop table `post_tags`
--   8. drop table `comments`
--   9. drop table `likes`
--   10. drop table `follows`
--   11. drop table `notifications`
--   12. drop table `user_settings`
-- WARNING: drops table `users` and every row in it
-- WARNING: drops table `accounts` and every row in it
-- WARNING: drops table `sessions` and every row in it
-- WARNING: drops table `posts` and every row in it
-- WARNING: drops table `categories` and every row in it
-- WARNING: drops table `tags` and every row in it
-- WARNING: drops table `post_tags` and every row in it
-- WARNING: drops table `comments` and every row in it
-- WARNING: drops table `likes` and every row in it
-- WARNING: drops table `follows` and every row in it
-- WARNING: drops table `notifications` and every row in it
-- WARNING: drops table `user_settings` and every row in it

-- drop table `users`
DROP TABLE "users";

-- drop table `accounts`
DROP TABLE "accounts";

-- drop table `sessions`
DROP TABLE "sessions";

-- drop table `posts`
DROP TABLE "posts";

-- drop table `categories`
DROP TABLE "categories";

-- drop table `tags`
DROP TABLE "tags";

-- drop table `post_tags`
DROP TABLE "post_tags";

-- drop table `comments`
DROP TABLE "comments";

-- drop table `likes`
DROP TABLE "likes";

-- drop table `follows`
DROP TABLE "follows";

-- drop table `notifications`
DROP TABLE "notifications";

-- drop table `user_settings`
DROP TABLE "user_settings";
