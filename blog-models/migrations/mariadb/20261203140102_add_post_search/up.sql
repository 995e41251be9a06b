-- 20261203140102_add_post_search: up
-- Generated from the models for MySQL/MariaDB. Steps:
--   1. create full-text index `posts_title_content_fts` on `posts` (title, content)

-- create full-text index `posts_title_content_fts` on `posts` (title, content)
ALTER TABLE `posts` ADD COLUMN `posts_title_content_fts_1` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci GENERATED ALWAYS AS (`title`) STORED, ADD COLUMN `posts_title_content_fts_2` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci GENERATED ALWAYS AS (`content`) STORED, ADD FULLTEXT INDEX `posts_title_content_fts` (`posts_title_content_fts_1`, `posts_title_content_fts_2`);
