//! The schema every implementation reads and writes, the data sets each workload runs on, and the
//! result fingerprints that check every implementation returned the same data.
//!
//! Schema (Diesel's benchmark schema): `users(id, name, hair_color)`, `posts(id, user_id, title, body)`,
//! `comments(id, post_id, text)`, integer auto-increment keys, an index on each foreign-key column and
//! no foreign-key constraints (so tables can be truncated independently). All DDL and seeding go
//! through plain sqlx, outside every measurement.

use sqlx::{MySqlPool, PgPool, SqlitePool};

use crate::Backend;

pub type AnyResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Result fingerprint: order-independent counts and sums, compared across implementations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fp {
    pub users: u64,
    pub posts: u64,
    pub comments: u64,
    pub sum: i64,
}

impl Fp {
    pub fn user(&mut self, id: i32, name: &str, hair: Option<&str>) {
        self.users += 1;
        self.sum += id as i64 * 7 + name.len() as i64 + hair.map_or(0, |h| h.len() as i64 * 3);
    }
    pub fn post(&mut self, id: i32, user_id: i32, title: &str, body: Option<&str>) {
        self.posts += 1;
        self.sum += id as i64 * 11
            + user_id as i64 * 13
            + title.len() as i64
            + body.map_or(0, |b| b.len() as i64 * 5);
    }
    pub fn comment(&mut self, id: i32, post_id: i32, text: &str) {
        self.comments += 1;
        self.sum += id as i64 * 17 + post_id as i64 * 19 + text.len() as i64;
    }
    /// Nesting check: a child placed under a parent mixes both keys into the sum.
    pub fn nest(&mut self, parent: i32, child: i32) {
        self.sum += (parent as i64 * 31) ^ child as i64;
    }
    pub fn rows(n: u64) -> Fp {
        Fp {
            users: n,
            ..Fp::default()
        }
    }
}

pub fn hair(i: usize) -> Option<&'static str> {
    match i % 4 {
        0 | 2 => Some("black"),
        1 => Some("brown"),
        _ => None,
    }
}

/// Connections used only for DDL and seeding.
pub enum Admin {
    Postgres(PgPool),
    MySql(MySqlPool),
    Sqlite(SqlitePool),
}

impl Admin {
    pub async fn exec(&self, sql: &str) -> AnyResult<()> {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        match self {
            Admin::Postgres(p) => drop(sqlx::raw_sql(sql).execute(p).await?),
            Admin::MySql(p) => drop(sqlx::raw_sql(sql).execute(p).await?),
            Admin::Sqlite(p) => drop(sqlx::raw_sql(sql).execute(p).await?),
        }
        Ok(())
    }

    pub async fn scalar(&self, sql: &'static str) -> AnyResult<String> {
        Ok(match self {
            Admin::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await?,
            Admin::MySql(p) => sqlx::query_scalar(sql).fetch_one(p).await?,
            Admin::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await?,
        })
    }

    pub async fn create_schema(&self, backend: Backend) -> AnyResult<()> {
        let ddl = match backend {
            Backend::Postgres => {
                "DROP TABLE IF EXISTS comments, posts, users;
                 CREATE TABLE users (id SERIAL PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT);
                 CREATE TABLE posts (id SERIAL PRIMARY KEY, user_id INTEGER NOT NULL, title TEXT NOT NULL, body TEXT);
                 CREATE TABLE comments (id SERIAL PRIMARY KEY, post_id INTEGER NOT NULL, text TEXT NOT NULL);
                 CREATE INDEX posts_user_id_idx ON posts (user_id);
                 CREATE INDEX comments_post_id_idx ON comments (post_id);"
            }
            Backend::MySql => {
                "DROP TABLE IF EXISTS comments, posts, users;
                 CREATE TABLE users (id INTEGER AUTO_INCREMENT PRIMARY KEY, name VARCHAR(191) NOT NULL, hair_color VARCHAR(191))
                   ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
                 CREATE TABLE posts (id INTEGER AUTO_INCREMENT PRIMARY KEY, user_id INTEGER NOT NULL, title VARCHAR(191) NOT NULL, body TEXT,
                   INDEX posts_user_id_idx (user_id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
                 CREATE TABLE comments (id INTEGER AUTO_INCREMENT PRIMARY KEY, post_id INTEGER NOT NULL, text TEXT NOT NULL,
                   INDEX comments_post_id_idx (post_id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;"
            }
            Backend::Sqlite => {
                "DROP TABLE IF EXISTS comments; DROP TABLE IF EXISTS posts; DROP TABLE IF EXISTS users;
                 CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, hair_color TEXT);
                 CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL, title TEXT NOT NULL, body TEXT);
                 CREATE TABLE comments (id INTEGER PRIMARY KEY AUTOINCREMENT, post_id INTEGER NOT NULL, text TEXT NOT NULL);
                 CREATE INDEX posts_user_id_idx ON posts (user_id);
                 CREATE INDEX comments_post_id_idx ON comments (post_id);"
            }
        };
        self.exec(ddl).await
    }

    /// Empties every table and restarts the keys at 1.
    pub async fn truncate(&self, backend: Backend) -> AnyResult<()> {
        match backend {
            Backend::Postgres => {
                self.exec("TRUNCATE users, posts, comments RESTART IDENTITY")
                    .await
            }
            Backend::MySql => {
                self.exec("TRUNCATE TABLE comments; TRUNCATE TABLE posts; TRUNCATE TABLE users")
                    .await
            }
            Backend::Sqlite => {
                self.exec(
                    "DELETE FROM comments; DELETE FROM posts; DELETE FROM users;
                     DELETE FROM sqlite_sequence;",
                )
                .await
            }
        }
    }

    /// Multi-row insert of literal rows (seeding only; values are generated, never user input).
    async fn insert_rows(&self, table: &str, cols: &str, rows: Vec<String>) -> AnyResult<()> {
        for chunk in rows.chunks(1000) {
            let sql = format!("INSERT INTO {table} ({cols}) VALUES {}", chunk.join(", "));
            self.exec(&sql).await?;
        }
        Ok(())
    }

    /// `n` users, ids 1..=n.
    pub async fn seed_users(&self, n: usize) -> AnyResult<()> {
        let rows = (1..=n)
            .map(|i| match hair(i) {
                Some(h) => format!("('User {i}', '{h}')"),
                None => format!("('User {i}', NULL)"),
            })
            .collect();
        self.insert_rows("users", "name, hair_color", rows).await
    }

    /// `posts_of(user)` posts for each user 1..=users, in user order; `comments` comments per post.
    pub async fn seed_posts(
        &self,
        users: usize,
        posts_of: impl Fn(usize) -> usize,
        comments: usize,
    ) -> AnyResult<()> {
        let mut posts = Vec::new();
        for u in 1..=users {
            for k in 0..posts_of(u) {
                let body = if k % 2 == 0 {
                    format!(
                        "'Body of post {k} by user {u}, long enough to be a realistic paragraph.'"
                    )
                } else {
                    "NULL".to_string()
                };
                posts.push(format!("({u}, 'Post {k} by user {u}', {body})"));
            }
        }
        let n_posts = posts.len();
        self.insert_rows("posts", "user_id, title, body", posts)
            .await?;
        let mut rows = Vec::new();
        for p in 1..=n_posts {
            for k in 0..comments {
                rows.push(format!("({p}, 'Comment {k} on post {p}')"));
            }
        }
        self.insert_rows("comments", "post_id, text", rows).await
    }
}
