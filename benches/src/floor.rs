//! Hand-written sqlx 0.9: the best SQL for each job, decoded by position straight into plain structs.
//! This is the floor every other implementation is compared with.

use std::collections::HashMap;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions, MySqlRow};
use sqlx::pool::PoolOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow};
use sqlx::{FromRow, MySql, Pool, Postgres, QueryBuilder, Row, Sqlite};

use crate::data::{AnyResult, Fp, hair};

pub struct User {
    pub id: i32,
    pub name: String,
    pub hair_color: Option<String>,
}

pub struct Post {
    pub id: i32,
    pub user_id: i32,
    pub title: String,
    pub body: Option<String>,
}

pub struct Comment {
    pub id: i32,
    pub post_id: i32,
    pub text: String,
}

/// `(User, Option<Post>)` from one `LEFT JOIN` row: user columns 0..3, post columns 3..7.
pub struct UserPost(User, Option<Post>);

macro_rules! from_rows {
    ($($row:ty),*) => {$(
        impl FromRow<'_, $row> for User {
            #[inline]
            fn from_row(r: &$row) -> sqlx::Result<Self> {
                Ok(User { id: r.try_get(0)?, name: r.try_get(1)?, hair_color: r.try_get(2)? })
            }
        }
        impl FromRow<'_, $row> for Post {
            #[inline]
            fn from_row(r: &$row) -> sqlx::Result<Self> {
                Ok(Post { id: r.try_get(0)?, user_id: r.try_get(1)?, title: r.try_get(2)?, body: r.try_get(3)? })
            }
        }
        impl FromRow<'_, $row> for Comment {
            #[inline]
            fn from_row(r: &$row) -> sqlx::Result<Self> {
                Ok(Comment { id: r.try_get(0)?, post_id: r.try_get(1)?, text: r.try_get(2)? })
            }
        }
        impl FromRow<'_, $row> for UserPost {
            #[inline]
            fn from_row(r: &$row) -> sqlx::Result<Self> {
                let user = User { id: r.try_get(0)?, name: r.try_get(1)?, hair_color: r.try_get(2)? };
                let post = match r.try_get::<Option<i32>, _>(3)? {
                    None => None,
                    Some(id) => Some(Post { id, user_id: r.try_get(4)?, title: r.try_get(5)?, body: r.try_get(6)? }),
                };
                Ok(UserPost(user, post))
            }
        }
    )*};
}
from_rows!(PgRow, MySqlRow, SqliteRow);

pub enum Db {
    Postgres(Pool<Postgres>),
    MySql(Pool<MySql>),
    Sqlite(Pool<Sqlite>),
}

/// sqlx's pool with the ORM's checkout policy (`ClientOptions::ping_after_idle`, 10 s by default):
/// a connection is pinged before it is handed out only when it sat idle for 10 s or longer, so that
/// only the code on top differs. (sqlx's own default pings on every checkout: a round trip per
/// statement.) Analysis knob: `BENCH_SQLX_TEST_BEFORE_ACQUIRE=1` restores sqlx's default.
pub async fn connect(url: &str, pool: u32) -> AnyResult<Db> {
    let ping_always = std::env::var("BENCH_SQLX_TEST_BEFORE_ACQUIRE").is_ok_and(|v| v == "1");
    Ok(if url.starts_with("postgres") {
        let o: PgConnectOptions = url.parse()?;
        Db::Postgres(
            ping_policy(PgPoolOptions::new(), ping_always)
                .max_connections(pool)
                .connect_with(o)
                .await?,
        )
    } else if url.starts_with("mysql") {
        let o: MySqlConnectOptions = url.parse()?;
        Db::MySql(
            ping_policy(MySqlPoolOptions::new(), ping_always)
                .max_connections(pool)
                .connect_with(o)
                .await?,
        )
    } else {
        let o: SqliteConnectOptions = url.parse()?;
        let o = o
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5));
        Db::Sqlite(
            ping_policy(SqlitePoolOptions::new(), ping_always)
                .max_connections(pool)
                .connect_with(o)
                .await?,
        )
    })
}

/// The idle time after which a pooled connection is pinged before use (the ORM's default).
const PING_AFTER_IDLE: Duration = Duration::from_secs(10);

fn ping_policy<DB: sqlx::Database>(opts: PoolOptions<DB>, ping_always: bool) -> PoolOptions<DB> {
    if ping_always {
        return opts.test_before_acquire(true);
    }
    opts.test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_AFTER_IDLE {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

/// Runs `$body` with `$p` bound to the concrete pool of each backend (the body is type-checked once
/// per backend, so it is monomorphic code, as hand-written code against one database would be).
macro_rules! on_pool {
    ($db:expr, |$p:ident| $body:expr) => {
        match $db {
            Db::Postgres($p) => $body,
            Db::MySql($p) => $body,
            Db::Sqlite($p) => $body,
        }
    };
}

const USERS: &str = "SELECT id, name, hair_color FROM users";

pub async fn trivial(db: &Db) -> AnyResult<Fp> {
    let users: Vec<User> = on_pool!(db, |p| sqlx::query_as(USERS).fetch_all(p).await?);
    let mut fp = Fp::default();
    for u in &users {
        fp.user(u.id, &u.name, u.hair_color.as_deref());
    }
    Ok(fp)
}

pub async fn medium(db: &Db) -> AnyResult<Fp> {
    let rows: Vec<UserPost> = match db {
        Db::Postgres(p) => {
            sqlx::query_as(
                "SELECT u.id, u.name, u.hair_color, p.id, p.user_id, p.title, p.body \
                 FROM users u LEFT JOIN posts p ON p.user_id = u.id WHERE u.hair_color = $1",
            )
            .bind("black")
            .fetch_all(p)
            .await?
        }
        Db::MySql(p) => {
            sqlx::query_as(
                "SELECT u.id, u.name, u.hair_color, p.id, p.user_id, p.title, p.body \
                 FROM users u LEFT JOIN posts p ON p.user_id = u.id WHERE u.hair_color = ?",
            )
            .bind("black")
            .fetch_all(p)
            .await?
        }
        Db::Sqlite(p) => {
            sqlx::query_as(
                "SELECT u.id, u.name, u.hair_color, p.id, p.user_id, p.title, p.body \
                 FROM users u LEFT JOIN posts p ON p.user_id = u.id WHERE u.hair_color = ?",
            )
            .bind("black")
            .fetch_all(p)
            .await?
        }
    };
    let mut fp = Fp::default();
    for UserPost(u, p) in &rows {
        fp.user(u.id, &u.name, u.hair_color.as_deref());
        if let Some(p) = p {
            fp.post(p.id, p.user_id, &p.title, p.body.as_deref());
        }
    }
    Ok(fp)
}

/// Loads users, their posts and the posts' comments with `IN`-list queries on executor `$e`, collecting
/// the comments into `$comments_of` (MySQL and SQLite; PostgreSQL uses `= ANY($1)`).
macro_rules! in_list_tree {
    ($db:ty, $e:expr, $users:ident, $posts:ident, $comments_of:ident) => {
        $users = sqlx::query_as(USERS).fetch_all($e).await?;
        $posts = in_list::<$db>(
            "SELECT id, user_id, title, body FROM posts WHERE user_id IN (",
            $users.iter().map(|u| u.id),
        )
        .build_query_as()
        .fetch_all($e)
        .await?;
        let comments: Vec<Comment> = in_list::<$db>(
            "SELECT id, post_id, text FROM comments WHERE post_id IN (",
            $posts.iter().map(|p| p.id),
        )
        .build_query_as()
        .fetch_all($e)
        .await?;
        for c in comments {
            $comments_of.entry(c.post_id).or_default().push(c);
        }
    };
}

/// Users, then their posts, then the posts' comments: three statements on one pooled connection,
/// children fetched by key with one array parameter on PostgreSQL (`= ANY($1)`: one prepared statement
/// whatever the count) and an `IN (?, ?, ...)` list elsewhere. Rows are collected, then grouped
/// (measured faster than grouping inside the row-stream loop on SQLite).
pub async fn associations(db: &Db) -> AnyResult<Fp> {
    let users: Vec<User>;
    let posts: Vec<Post>;
    let mut comments_of: HashMap<i32, Vec<Comment>> = HashMap::new();
    match db {
        Db::Postgres(p) => {
            let mut c = p.acquire().await?;
            users = sqlx::query_as(USERS).fetch_all(&mut *c).await?;
            let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
            posts = sqlx::query_as(
                "SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1)",
            )
            .bind(&ids)
            .fetch_all(&mut *c)
            .await?;
            let ids: Vec<i32> = posts.iter().map(|p| p.id).collect();
            let comments: Vec<Comment> =
                sqlx::query_as("SELECT id, post_id, text FROM comments WHERE post_id = ANY($1)")
                    .bind(&ids)
                    .fetch_all(&mut *c)
                    .await?;
            for c in comments {
                comments_of.entry(c.post_id).or_default().push(c);
            }
        }
        Db::MySql(p) => {
            let mut c = p.acquire().await?;
            in_list_tree!(MySql, &mut *c, users, posts, comments_of);
        }
        Db::Sqlite(p) => {
            let mut c = p.acquire().await?;
            in_list_tree!(Sqlite, &mut *c, users, posts, comments_of);
        }
    }
    Ok(fingerprint_tree(users, posts, comments_of))
}

fn fingerprint_tree(
    users: Vec<User>,
    posts: Vec<Post>,
    mut comments_of: HashMap<i32, Vec<Comment>>,
) -> Fp {
    let mut posts_of: HashMap<i32, Vec<(Post, Vec<Comment>)>> = HashMap::with_capacity(users.len());
    for p in posts {
        let cs = comments_of.remove(&p.id).unwrap_or_default();
        posts_of.entry(p.user_id).or_default().push((p, cs));
    }
    let tree: Vec<(User, Vec<(Post, Vec<Comment>)>)> = users
        .into_iter()
        .map(|u| {
            let ps = posts_of.remove(&u.id).unwrap_or_default();
            (u, ps)
        })
        .collect();
    let mut fp = Fp::default();
    for (u, posts) in &tree {
        fp.user(u.id, &u.name, u.hair_color.as_deref());
        for (p, comments) in posts {
            fp.post(p.id, p.user_id, &p.title, p.body.as_deref());
            fp.nest(u.id, p.id);
            for c in comments {
                fp.comment(c.id, c.post_id, &c.text);
                fp.nest(p.id, c.id);
            }
        }
    }
    fp
}

fn in_list<DB: sqlx::Database>(head: &str, ids: impl Iterator<Item = i32>) -> QueryBuilder<DB>
where
    i32: for<'a> sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut q = QueryBuilder::new(head);
    let mut sep = q.separated(", ");
    for id in ids {
        sep.push_bind(id);
    }
    q.push(")");
    q
}

/// One multi-row insert of `n` users: `INSERT ... SELECT * FROM UNNEST($1, $2)` on PostgreSQL (two
/// array parameters, one prepared statement for every batch size), a `VALUES (?, ?), ...` list elsewhere.
pub async fn insert(db: &Db, n: usize, seq: usize) -> AnyResult<Fp> {
    let names: Vec<String> = (0..n).map(|i| format!("New user {}", seq + i)).collect();
    let affected = match db {
        Db::Postgres(p) => {
            let hairs: Vec<Option<&str>> = (0..n).map(hair).collect();
            sqlx::query(
                "INSERT INTO users (name, hair_color) SELECT * FROM UNNEST($1::text[], $2::text[])",
            )
            .bind(&names)
            .bind(&hairs)
            .execute(p)
            .await?
            .rows_affected()
        }
        Db::MySql(p) => {
            let mut q = QueryBuilder::<MySql>::new("INSERT INTO users (name, hair_color) ");
            q.push_values(names.into_iter().enumerate(), |mut b, (i, name)| {
                b.push_bind(name).push_bind(hair(i));
            });
            q.build().execute(p).await?.rows_affected()
        }
        Db::Sqlite(p) => {
            let mut q = QueryBuilder::<Sqlite>::new("INSERT INTO users (name, hair_color) ");
            q.push_values(names.into_iter().enumerate(), |mut b, (i, name)| {
                b.push_bind(name).push_bind(hair(i));
            });
            q.build().execute(p).await?.rows_affected()
        }
    };
    Ok(Fp::rows(affected))
}

pub async fn close(db: &Db) {
    on_pool!(db, |p| p.close().await)
}

/// Hand-written sqlx sending the same statements our ORM sends (analysis only, `--only sqlx-same-sql`):
/// separates the cost of the query shape (two queries instead of a join, a connection checked out
/// per statement, `IN (?, …)` lists on MySQL and SQLite) from the ORM's own client-side overhead.
/// Like the ORM, it sends `= ANY($1)` with one array bind on PostgreSQL; analysis knob:
/// `BENCH_SAME_SQL_IN=1` sends `IN ($1, …, $n)` lists there instead (the ORM before it used arrays).
pub mod same_sql {
    use super::*;

    fn pg_in_lists() -> bool {
        std::env::var("BENCH_SAME_SQL_IN").is_ok_and(|v| v == "1")
    }

    fn users_black(ph: &str) -> String {
        format!("SELECT id, name, hair_color FROM users WHERE hair_color = {ph}")
    }

    pub async fn medium(db: &Db) -> AnyResult<Fp> {
        let (users, posts): (Vec<User>, Vec<Post>) = match db {
            Db::Postgres(p) => {
                let users: Vec<User> = sqlx::query_as(sqlx::AssertSqlSafe(users_black("$1")))
                    .bind("black")
                    .fetch_all(p)
                    .await?;
                let posts = if pg_in_lists() {
                    in_list(
                        "SELECT id, user_id, title, body FROM posts WHERE user_id IN (",
                        users.iter().map(|u| u.id),
                    )
                    .build_query_as()
                    .fetch_all(p)
                    .await?
                } else {
                    let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
                    sqlx::query_as(
                        "SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1)",
                    )
                    .bind(&ids)
                    .fetch_all(p)
                    .await?
                };
                (users, posts)
            }
            Db::MySql(p) => {
                let users: Vec<User> = sqlx::query_as(sqlx::AssertSqlSafe(users_black("?")))
                    .bind("black")
                    .fetch_all(p)
                    .await?;
                let posts = in_list(
                    "SELECT id, user_id, title, body FROM posts WHERE user_id IN (",
                    users.iter().map(|u| u.id),
                )
                .build_query_as()
                .fetch_all(p)
                .await?;
                (users, posts)
            }
            Db::Sqlite(p) => {
                let users: Vec<User> = sqlx::query_as(sqlx::AssertSqlSafe(users_black("?")))
                    .bind("black")
                    .fetch_all(p)
                    .await?;
                let posts = in_list(
                    "SELECT id, user_id, title, body FROM posts WHERE user_id IN (",
                    users.iter().map(|u| u.id),
                )
                .build_query_as()
                .fetch_all(p)
                .await?;
                (users, posts)
            }
        };
        let mut by_user: HashMap<i32, Vec<Post>> = HashMap::with_capacity(users.len());
        for p in posts {
            by_user.entry(p.user_id).or_default().push(p);
        }
        let mut fp = Fp::default();
        for u in &users {
            match by_user.get(&u.id) {
                Some(posts) => {
                    for p in posts {
                        fp.user(u.id, &u.name, u.hair_color.as_deref());
                        fp.post(p.id, p.user_id, &p.title, p.body.as_deref());
                    }
                }
                None => fp.user(u.id, &u.name, u.hair_color.as_deref()),
            }
        }
        Ok(fp)
    }

    /// As [`super::associations`], but each statement on the pool (a connection checked out per
    /// statement), as the ORM does.
    pub async fn associations(db: &Db) -> AnyResult<Fp> {
        let users: Vec<User>;
        let posts: Vec<Post>;
        let mut comments_of: HashMap<i32, Vec<Comment>> = HashMap::new();
        match db {
            Db::Postgres(p) if !pg_in_lists() => {
                users = sqlx::query_as(USERS).fetch_all(p).await?;
                let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
                posts = sqlx::query_as(
                    "SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1)",
                )
                .bind(&ids)
                .fetch_all(p)
                .await?;
                let ids: Vec<i32> = posts.iter().map(|p| p.id).collect();
                let comments: Vec<Comment> = sqlx::query_as(
                    "SELECT id, post_id, text FROM comments WHERE post_id = ANY($1)",
                )
                .bind(&ids)
                .fetch_all(p)
                .await?;
                for c in comments {
                    comments_of.entry(c.post_id).or_default().push(c);
                }
            }
            Db::Postgres(p) => {
                in_list_tree!(Postgres, p, users, posts, comments_of);
            }
            Db::MySql(p) => {
                in_list_tree!(MySql, p, users, posts, comments_of);
            }
            Db::Sqlite(p) => {
                in_list_tree!(Sqlite, p, users, posts, comments_of);
            }
        }
        Ok(fingerprint_tree(users, posts, comments_of))
    }
}
