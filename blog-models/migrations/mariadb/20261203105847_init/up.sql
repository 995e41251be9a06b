-- 20261203105847_init: up
-- Generated from the models for MySQL/MariaDB. Steps:
--   1. create table `users`
--   2. create table `accounts`
--   3. create table `sessions`
--   4. create table `posts`
--   5. create table `categories`
--   6. create table `tags`
--   7. create table `post_tags`
--   8. create table `comments`
--   9. create table `likes`
--   10. create table `follows`
--   11. create table `notifications`
--   12. create table `user_settings`
--   13. add foreign key `accounts_user_id_fkey` on `accounts` (user_id) referencing `users` (id)
--   14. add foreign key `sessions_user_id_fkey` on `sessions` (user_id) referencing `users` (id)
--   15. add foreign key `posts_author_id_fkey` on `posts` (author_id) referencing `users` (id)
--   16. add foreign key `posts_category_id_fkey` on `posts` (category_id) referencing `categories` (id)
--   17. add foreign key `categories_parent_id_fkey` on `categories` (parent_id) referencing `categories` (id)
--   18. add foreign key `post_tags_post_id_fkey` on `post_tags` (post_id) referencing `posts` (id)
--   19. add foreign key `post_tags_tag_id_fkey` on `post_tags` (tag_id) referencing `tags` (id)
--   20. add foreign key `comments_post_id_fkey` on `comments` (post_id) referencing `posts` (id)
--   21. add foreign key `comments_author_id_fkey` on `comments` (author_id) referencing `users` (id)
--   22. add foreign key `comments_parent_id_fkey` on `comments` (parent_id) referencing `comments` (id)
--   23. add foreign key `likes_user_id_fkey` on `likes` (user_id) referencing `users` (id)
--   24. add foreign key `likes_post_id_fkey` on `likes` (post_id) referencing `posts` (id)
--   25. add foreign key `likes_comment_id_fkey` on `likes` (comment_id) referencing `comments` (id)
--   26. add foreign key `follows_follower_id_fkey` on `follows` (follower_id) referencing `users` (id)
--   27. add foreign key `follows_following_id_fkey` on `follows` (following_id) referencing `users` (id)
--   28. add foreign key `notifications_recipient_id_fkey` on `notifications` (recipient_id) referencing `users` (id)
--   29. add foreign key `notifications_sender_id_fkey` on `notifications` (sender_id) referencing `users` (id)
--   30. add foreign key `user_settings_user_id_fkey` on `user_settings` (user_id) referencing `users` (id)

-- create table `users`
CREATE TABLE `users` (
    `id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `email` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `username` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    `name` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    `bio` TEXT COLLATE utf8mb4_nopad_bin,
    `image` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    `verified` BOOLEAN NOT NULL DEFAULT 0,
    `role` ENUM('USER', 'MODERATOR', 'ADMIN') NOT NULL COLLATE utf8mb4_nopad_bin DEFAULT 'USER',
    `created_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    `updated_at` DATETIME(6) NOT NULL,
    `last_login` DATETIME(6),
    CONSTRAINT `users_pkey` PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE UNIQUE INDEX `users_email_key` ON `users` (`email`);
CREATE UNIQUE INDEX `users_username_key` ON `users` (`username`);

-- create table `accounts`
CREATE TABLE `accounts` (
    `id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `user_id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `type` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `provider` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `provider_account_id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `refresh_token` TEXT COLLATE utf8mb4_nopad_bin,
    `access_token` TEXT COLLATE utf8mb4_nopad_bin,
    `expires_at` INT,
    `token_type` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    `scope` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    `id_token` TEXT COLLATE utf8mb4_nopad_bin,
    `session_state` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    CONSTRAINT `accounts_pkey` PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE UNIQUE INDEX `accounts_provider_provider_account_id_key` ON `accounts` (`provider`, `provider_account_id`);
CREATE INDEX `accounts_user_id_idx` ON `accounts` (`user_id`);

-- create table `sessions`
CREATE TABLE `sessions` (
    `id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `session_token` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `user_id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `expires` DATETIME(6) NOT NULL,
    CONSTRAINT `sessions_pkey` PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE UNIQUE INDEX `sessions_session_token_key` ON `sessions` (`session_token`);
CREATE INDEX `sessions_user_id_idx` ON `sessions` (`user_id`);

-- create table `posts`
CREATE TABLE `posts` (
    `id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `title` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `content` TEXT NOT NULL COLLATE utf8mb4_nopad_bin,
    `excerpt` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    `published` BOOLEAN NOT NULL DEFAULT 0,
    `featured` BOOLEAN NOT NULL DEFAULT 0,
    `view_count` INT NOT NULL DEFAULT 0,
    `slug` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `meta_title` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    `meta_description` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    `created_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    `updated_at` DATETIME(6) NOT NULL,
    `published_at` DATETIME(6),
    `author_id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `category_id` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    CONSTRAINT `posts_pkey` PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE UNIQUE INDEX `posts_slug_key` ON `posts` (`slug`);
CREATE INDEX `posts_published_created_at_idx` ON `posts` (`published`, `created_at`);
CREATE INDEX `posts_author_id_created_at_idx` ON `posts` (`author_id`, `created_at`);
CREATE INDEX `posts_slug_idx` ON `posts` (`slug`);
CREATE INDEX `posts_category_id_idx` ON `posts` (`category_id`);

-- create table `categories`
CREATE TABLE `categories` (
    `id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `name` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `slug` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `description` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    `color` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    `parent_id` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    CONSTRAINT `categories_pkey` PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE UNIQUE INDEX `categories_name_key` ON `categories` (`name`);
CREATE UNIQUE INDEX `categories_slug_key` ON `categories` (`slug`);
CREATE INDEX `categories_parent_id_idx` ON `categories` (`parent_id`);

-- create table `tags`
CREATE TABLE `tags` (
    `id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `name` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `slug` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `description` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    `color` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    CONSTRAINT `tags_pkey` PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE UNIQUE INDEX `tags_name_key` ON `tags` (`name`);
CREATE UNIQUE INDEX `tags_slug_key` ON `tags` (`slug`);

-- create table `post_tags`
CREATE TABLE `post_tags` (
    `post_id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `tag_id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    CONSTRAINT `post_tags_pkey` PRIMARY KEY (`post_id`, `tag_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX `post_tags_tag_id_idx` ON `post_tags` (`tag_id`);

-- create table `comments`
CREATE TABLE `comments` (
    `id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `content` TEXT NOT NULL COLLATE utf8mb4_nopad_bin,
    `created_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    `updated_at` DATETIME(6) NOT NULL,
    `post_id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `author_id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `parent_id` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    CONSTRAINT `comments_pkey` PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX `comments_post_id_created_at_idx` ON `comments` (`post_id`, `created_at`);
CREATE INDEX `comments_author_id_idx` ON `comments` (`author_id`);
CREATE INDEX `comments_parent_id_idx` ON `comments` (`parent_id`);

-- create table `likes`
CREATE TABLE `likes` (
    `id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `created_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    `user_id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `post_id` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    `comment_id` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    CONSTRAINT `likes_pkey` PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE UNIQUE INDEX `likes_user_id_post_id_key` ON `likes` (`user_id`, `post_id`);
CREATE UNIQUE INDEX `likes_user_id_comment_id_key` ON `likes` (`user_id`, `comment_id`);
CREATE INDEX `likes_post_id_idx` ON `likes` (`post_id`);
CREATE INDEX `likes_comment_id_idx` ON `likes` (`comment_id`);

-- create table `follows`
CREATE TABLE `follows` (
    `id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `created_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    `follower_id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `following_id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    CONSTRAINT `follows_pkey` PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE UNIQUE INDEX `follows_follower_id_following_id_key` ON `follows` (`follower_id`, `following_id`);
CREATE INDEX `follows_following_id_idx` ON `follows` (`following_id`);

-- create table `notifications`
CREATE TABLE `notifications` (
    `id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `type` ENUM('LIKE', 'COMMENT', 'FOLLOW', 'MENTION', 'SYSTEM') NOT NULL COLLATE utf8mb4_nopad_bin,
    `title` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `message` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `read` BOOLEAN NOT NULL DEFAULT 0,
    `created_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    `recipient_id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `sender_id` VARCHAR(191) COLLATE utf8mb4_nopad_bin,
    `metadata` JSON,
    CONSTRAINT `notifications_pkey` PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX `notifications_recipient_id_read_created_at_idx` ON `notifications` (`recipient_id`, `read`, `created_at`);
CREATE INDEX `notifications_sender_id_idx` ON `notifications` (`sender_id`);

-- create table `user_settings`
CREATE TABLE `user_settings` (
    `id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `user_id` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin,
    `profile_private` BOOLEAN NOT NULL DEFAULT 0,
    `email_notifications` BOOLEAN NOT NULL DEFAULT 1,
    `push_notifications` BOOLEAN NOT NULL DEFAULT 1,
    `theme` ENUM('LIGHT', 'DARK', 'SYSTEM') NOT NULL COLLATE utf8mb4_nopad_bin DEFAULT 'SYSTEM',
    `language` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin DEFAULT 'en',
    `timezone` VARCHAR(191) NOT NULL COLLATE utf8mb4_nopad_bin DEFAULT 'UTC',
    CONSTRAINT `user_settings_pkey` PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE UNIQUE INDEX `user_settings_user_id_key` ON `user_settings` (`user_id`);

-- add foreign key `accounts_user_id_fkey` on `accounts` (user_id) referencing `users` (id)
ALTER TABLE `accounts` ADD CONSTRAINT `accounts_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `sessions_user_id_fkey` on `sessions` (user_id) referencing `users` (id)
ALTER TABLE `sessions` ADD CONSTRAINT `sessions_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `posts_author_id_fkey` on `posts` (author_id) referencing `users` (id)
ALTER TABLE `posts` ADD CONSTRAINT `posts_author_id_fkey` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `posts_category_id_fkey` on `posts` (category_id) referencing `categories` (id)
ALTER TABLE `posts` ADD CONSTRAINT `posts_category_id_fkey` FOREIGN KEY (`category_id`) REFERENCES `categories` (`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- add foreign key `categories_parent_id_fkey` on `categories` (parent_id) referencing `categories` (id)
ALTER TABLE `categories` ADD CONSTRAINT `categories_parent_id_fkey` FOREIGN KEY (`parent_id`) REFERENCES `categories` (`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- add foreign key `post_tags_post_id_fkey` on `post_tags` (post_id) referencing `posts` (id)
ALTER TABLE `post_tags` ADD CONSTRAINT `post_tags_post_id_fkey` FOREIGN KEY (`post_id`) REFERENCES `posts` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `post_tags_tag_id_fkey` on `post_tags` (tag_id) referencing `tags` (id)
ALTER TABLE `post_tags` ADD CONSTRAINT `post_tags_tag_id_fkey` FOREIGN KEY (`tag_id`) REFERENCES `tags` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `comments_post_id_fkey` on `comments` (post_id) referencing `posts` (id)
ALTER TABLE `comments` ADD CONSTRAINT `comments_post_id_fkey` FOREIGN KEY (`post_id`) REFERENCES `posts` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `comments_author_id_fkey` on `comments` (author_id) referencing `users` (id)
ALTER TABLE `comments` ADD CONSTRAINT `comments_author_id_fkey` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `comments_parent_id_fkey` on `comments` (parent_id) referencing `comments` (id)
ALTER TABLE `comments` ADD CONSTRAINT `comments_parent_id_fkey` FOREIGN KEY (`parent_id`) REFERENCES `comments` (`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- add foreign key `likes_user_id_fkey` on `likes` (user_id) referencing `users` (id)
ALTER TABLE `likes` ADD CONSTRAINT `likes_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `likes_post_id_fkey` on `likes` (post_id) referencing `posts` (id)
ALTER TABLE `likes` ADD CONSTRAINT `likes_post_id_fkey` FOREIGN KEY (`post_id`) REFERENCES `posts` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `likes_comment_id_fkey` on `likes` (comment_id) referencing `comments` (id)
ALTER TABLE `likes` ADD CONSTRAINT `likes_comment_id_fkey` FOREIGN KEY (`comment_id`) REFERENCES `comments` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `follows_follower_id_fkey` on `follows` (follower_id) referencing `users` (id)
ALTER TABLE `follows` ADD CONSTRAINT `follows_follower_id_fkey` FOREIGN KEY (`follower_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `follows_following_id_fkey` on `follows` (following_id) referencing `users` (id)
ALTER TABLE `follows` ADD CONSTRAINT `follows_following_id_fkey` FOREIGN KEY (`following_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `notifications_recipient_id_fkey` on `notifications` (recipient_id) referencing `users` (id)
ALTER TABLE `notifications` ADD CONSTRAINT `notifications_recipient_id_fkey` FOREIGN KEY (`recipient_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- add foreign key `notifications_sender_id_fkey` on `notifications` (sender_id) referencing `users` (id)
ALTER TABLE `notifications` ADD CONSTRAINT `notifications_sender_id_fkey` FOREIGN KEY (`sender_id`) REFERENCES `users` (`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- add foreign key `user_settings_user_id_fkey` on `user_settings` (user_id) referencing `users` (id)
ALTER TABLE `user_settings` ADD CONSTRAINT `user_settings_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;
