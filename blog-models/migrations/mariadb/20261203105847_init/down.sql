-- 20261203105847_init: down
-- Generated from the models for MySQL/MariaDB. Steps:
--   1. drop foreign key `accounts_user_id_fkey` on `accounts`
--   2. drop foreign key `sessions_user_id_fkey` on `sessions`
--   3. drop foreign key `posts_author_id_fkey` on `posts`
--   4. drop foreign key `posts_category_id_fkey` on `posts`
--   5. drop foreign key `categories_parent_id_fkey` on `categories`
--   6. drop foreign key `post_tags_post_id_fkey` on `post_tags`
--   7. drop foreign key `post_tags_tag_id_fkey` on `post_tags`
--   8. drop foreign key `comments_post_id_fkey` on `comments`
--   9. drop foreign key `comments_author_id_fkey` on `comments`
--   10. drop foreign key `comments_parent_id_fkey` on `comments`
--   11. drop foreign key `likes_user_id_fkey` on `likes`
--   12. drop foreign key `likes_post_id_fkey` on `likes`
--   13. drop foreign key `likes_comment_id_fkey` on `likes`
--   14. drop foreign key `follows_follower_id_fkey` on `follows`
--   15. drop foreign key `follows_following_id_fkey` on `follows`
--   16. drop foreign key `notifications_recipient_id_fkey` on `notifications`
--   17. drop foreign key `notifications_sender_id_fkey` on `notifications`
--   18. drop foreign key `user_settings_user_id_fkey` on `user_settings`
--   19. drop table `users`
--   20. drop table `accounts`
--   21. drop table `sessions`
--   22. drop table `posts`
--   23. drop table `categories`
--   24. drop table `tags`
--   25. drop table `post_tags`
--   26. drop table `comments`
--   27. drop table `likes`
--   28. drop table `follows`
--   29. drop table `notifications`
--   30. drop table `user_settings`
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

-- drop foreign key `accounts_user_id_fkey` on `accounts`
ALTER TABLE `accounts` DROP FOREIGN KEY `accounts_user_id_fkey`;

-- drop foreign key `sessions_user_id_fkey` on `sessions`
ALTER TABLE `sessions` DROP FOREIGN KEY `sessions_user_id_fkey`;

-- drop foreign key `posts_author_id_fkey` on `posts`
ALTER TABLE `posts` DROP FOREIGN KEY `posts_author_id_fkey`;

-- drop foreign key `posts_category_id_fkey` on `posts`
ALTER TABLE `posts` DROP FOREIGN KEY `posts_category_id_fkey`;

-- drop foreign key `categories_parent_id_fkey` on `categories`
ALTER TABLE `categories` DROP FOREIGN KEY `categories_parent_id_fkey`;

-- drop foreign key `post_tags_post_id_fkey` on `post_tags`
ALTER TABLE `post_tags` DROP FOREIGN KEY `post_tags_post_id_fkey`;

-- drop foreign key `post_tags_tag_id_fkey` on `post_tags`
ALTER TABLE `post_tags` DROP FOREIGN KEY `post_tags_tag_id_fkey`;

-- drop foreign key `comments_post_id_fkey` on `comments`
ALTER TABLE `comments` DROP FOREIGN KEY `comments_post_id_fkey`;

-- drop foreign key `comments_author_id_fkey` on `comments`
ALTER TABLE `comments` DROP FOREIGN KEY `comments_author_id_fkey`;

-- drop foreign key `comments_parent_id_fkey` on `comments`
ALTER TABLE `comments` DROP FOREIGN KEY `comments_parent_id_fkey`;

-- drop foreign key `likes_user_id_fkey` on `likes`
ALTER TABLE `likes` DROP FOREIGN KEY `likes_user_id_fkey`;

-- drop foreign key `likes_post_id_fkey` on `likes`
ALTER TABLE `likes` DROP FOREIGN KEY `likes_post_id_fkey`;

-- drop foreign key `likes_comment_id_fkey` on `likes`
ALTER TABLE `likes` DROP FOREIGN KEY `likes_comment_id_fkey`;

-- drop foreign key `follows_follower_id_fkey` on `follows`
ALTER TABLE `follows` DROP FOREIGN KEY `follows_follower_id_fkey`;

-- drop foreign key `follows_following_id_fkey` on `follows`
ALTER TABLE `follows` DROP FOREIGN KEY `follows_following_id_fkey`;

-- drop foreign key `notifications_recipient_id_fkey` on `notifications`
ALTER TABLE `notifications` DROP FOREIGN KEY `notifications_recipient_id_fkey`;

-- drop foreign key `notifications_sender_id_fkey` on `notifications`
ALTER TABLE `notifications` DROP FOREIGN KEY `notifications_sender_id_fkey`;

-- drop foreign key `user_settings_user_id_fkey` on `user_settings`
ALTER TABLE `user_settings` DROP FOREIGN KEY `user_settings_user_id_fkey`;

-- drop table `users`
DROP TABLE `users`;

-- drop table `accounts`
DROP TABLE `accounts`;

-- drop table `sessions`
DROP TABLE `sessions`;

-- drop table `posts`
DROP TABLE `posts`;

-- drop table `categories`
DROP TABLE `categories`;

-- drop table `tags`
DROP TABLE `tags`;

-- drop table `post_tags`
DROP TABLE `post_tags`;

-- drop table `comments`
DROP TABLE `comments`;

-- drop table `likes`
DROP TABLE `likes`;

-- drop table `follows`
DROP TABLE `follows`;

-- drop table `notifications`
DROP TABLE `notifications`;

-- drop table `user_settings`
DROP TABLE `user_settings`;
