//! Diesel 2.3 through diesel-async: tokio-postgres for PostgreSQL, mysql_async for MySQL/MariaDB
//! (pure Rust, no libpq/libmysqlclient), and the blocking SQLite connection behind diesel-async's
//! `SyncConnectionWrapper`. Queries are Diesel's own benchmark queries: `load`, `left_outer_join`,
//! `belonging_to` + `grouped_by`, batch `insert_into(..).values(&vec)`.

use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncMysqlConnection, AsyncPgConnection, RunQueryDsl};

use crate::data::{AnyResult, Fp, hair};

diesel::table! {
    users (id) {
        id -> Integer,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

diesel::table! {
    posts (id) {
        id -> Integer,
        user_id -> Integer,
        title -> Text,
        body -> Nullable<Text>,
    }
}

diesel::table! {
    comments (id) {
        id -> Integer,
        post_id -> Integer,
        text -> Text,
    }
}

diesel::joinable!(posts -> users (user_id));
diesel::joinable!(comments -> posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(users, posts, comments);

#[derive(Queryable, Selectable, Identifiable, Debug, Clone)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i32,
    pub name: String,
    pub hair_color: Option<String>,
}

#[derive(Queryable, Selectable, Identifiable, Associations, Debug, Clone)]
#[diesel(table_name = posts, belongs_to(User))]
pub struct Post {
    pub id: i32,
    pub user_id: i32,
    pub title: String,
    pub body: Option<String>,
}

#[derive(Queryable, Selectable, Identifiable, Associations, Debug, Clone)]
#[diesel(table_name = comments, belongs_to(Post))]
pub struct Comment {
    pub id: i32,
    pub post_id: i32,
    pub text: String,
}

#[derive(Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub struct NewUser {
    pub name: String,
    pub hair_color: Option<&'static str>,
}

type Lite = SyncConnectionWrapper<SqliteConnection>;

pub enum Db {
    Postgres(Pool<AsyncPgConnection>),
    MySql(Pool<AsyncMysqlConnection>),
    Sqlite(Pool<Lite>),
}

pub async fn connect(url: &str, pool: usize) -> AnyResult<Db> {
    Ok(if url.starts_with("postgres") {
        let m = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url);
        Db::Postgres(Pool::builder(m).max_size(pool).build()?)
    } else if url.starts_with("mysql") {
        let m = AsyncDieselConnectionManager::<AsyncMysqlConnection>::new(url);
        Db::MySql(Pool::builder(m).max_size(pool).build()?)
    } else {
        // diesel wants a plain path, not sqlx's `sqlite:` URL.
        let path = url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        let path = path.split('?').next().unwrap_or(path).to_string();
        let m = AsyncDieselConnectionManager::<Lite>::new(path);
        Db::Sqlite(Pool::builder(m).max_size(pool).build()?)
    })
}

/// Checks a connection out of the pool and runs `$body` with `$c: &mut Connection` for each backend.
macro_rules! on_conn {
    ($db:expr, |$c:ident| $body:expr) => {
        match $db {
            Db::Postgres(p) => {
                let mut conn = p.get().await?;
                let $c = &mut *conn;
                $body
            }
            Db::MySql(p) => {
                let mut conn = p.get().await?;
                let $c = &mut *conn;
                $body
            }
            Db::Sqlite(p) => {
                let mut conn = p.get().await?;
                let $c = &mut *conn;
                $body
            }
        }
    };
}

pub async fn trivial(db: &Db) -> AnyResult<Fp> {
    let users: Vec<User> = on_conn!(db, |c| users::table
        .select(User::as_select())
        .load(c)
        .await?);
    let mut fp = Fp::default();
    for u in &users {
        fp.user(u.id, &u.name, u.hair_color.as_deref());
    }
    Ok(fp)
}

pub async fn medium(db: &Db) -> AnyResult<Fp> {
    let rows: Vec<(User, Option<Post>)> = on_conn!(db, |c| users::table
        .left_outer_join(posts::table)
        .filter(users::hair_color.eq("black"))
        .select((User::as_select(), Option::<Post>::as_select()))
        .load(c)
        .await?);
    let mut fp = Fp::default();
    for (u, p) in &rows {
        fp.user(u.id, &u.name, u.hair_color.as_deref());
        if let Some(p) = p {
            fp.post(p.id, p.user_id, &p.title, p.body.as_deref());
        }
    }
    Ok(fp)
}

pub async fn associations(db: &Db) -> AnyResult<Fp> {
    let tree: Vec<(User, Vec<(Post, Vec<Comment>)>)> = on_conn!(db, |c| {
        let users = users::table.select(User::as_select()).load(c).await?;
        let posts = Post::belonging_to(&users)
            .select(Post::as_select())
            .load(c)
            .await?;
        let comments = Comment::belonging_to(&posts)
            .select(Comment::as_select())
            .load(c)
            .await?;
        let comments = comments.grouped_by(&posts);
        let posts_and_comments = posts.into_iter().zip(comments).grouped_by(&users);
        users.into_iter().zip(posts_and_comments).collect()
    });
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
    Ok(fp)
}

pub async fn insert(db: &Db, n: usize, seq: usize) -> AnyResult<Fp> {
    let rows: Vec<NewUser> = (0..n)
        .map(|i| NewUser {
            name: format!("New user {}", seq + i),
            hair_color: hair(i),
        })
        .collect();
    let inserted = match db {
        Db::Postgres(p) => {
            let mut c = p.get().await?;
            diesel::insert_into(users::table)
                .values(&rows)
                .execute(&mut *c)
                .await?
        }
        Db::MySql(p) => {
            let mut c = p.get().await?;
            diesel::insert_into(users::table)
                .values(&rows)
                .execute(&mut *c)
                .await?
        }
        // diesel-async's async `execute` has no SQLite batch insert (sync Diesel implements it on
        // `SqliteConnection` itself), so run sync Diesel on the wrapper's blocking thread, as its docs advise.
        Db::Sqlite(p) => {
            let mut c = p.get().await?;
            c.spawn_blocking(move |c| {
                diesel::RunQueryDsl::execute(diesel::insert_into(users::table).values(&rows), c)
            })
            .await?
        }
    };
    Ok(Fp::rows(inserted as u64))
}
