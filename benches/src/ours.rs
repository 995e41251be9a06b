//! Our ORM (`orm-runtime`), written the way its README teaches.

use std::collections::HashMap;

use orm_runtime::prelude::*;

use crate::data::{AnyResult, Fp, hair};

#[derive(Model, Debug, Clone)]
#[orm(table = "users")]
pub struct User {
    #[orm(id, default = autoincrement)]
    pub id: i32,
    pub name: String,
    pub hair_color: Option<String>,
    #[orm(has_many)]
    pub posts: HasMany<Post>,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "posts")]
pub struct Post {
    #[orm(id, default = autoincrement)]
    pub id: i32,
    pub user_id: i32,
    pub title: String,
    pub body: Option<String>,
    #[orm(belongs_to(fk = user_id))]
    #[allow(dead_code)] // the inverse of User::POSTS; never loaded here
    pub user: BelongsTo<User>,
    #[orm(has_many)]
    pub comments: HasMany<Comment>,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "comments")]
pub struct Comment {
    #[orm(id, default = autoincrement)]
    pub id: i32,
    pub post_id: i32,
    pub text: String,
    #[orm(belongs_to(fk = post_id))]
    #[allow(dead_code)] // the inverse of Post::COMMENTS; never loaded here
    pub post: BelongsTo<Post>,
}

pub async fn connect(url: &str, pool: u32) -> AnyResult<Client> {
    Ok(ClientOptions::new(url)
        .max_connections(pool)
        .connect()
        .await?)
}

/// Adds every operation's duration to a counter: about the least a hook does.
struct Timing(std::sync::atomic::AtomicU64);

impl orm_runtime::hooks::Hook for Timing {
    fn after(&self, report: &orm_runtime::hooks::OperationReport<'_>) {
        self.0.fetch_add(
            report.duration.as_nanos() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
    }
}

pub async fn connect_hooked(url: &str, pool: u32) -> AnyResult<Client> {
    Ok(ClientOptions::new(url)
        .max_connections(pool)
        .hook(Timing(Default::default()))
        .connect()
        .await?)
}

/// `SELECT` every user.
pub async fn trivial(db: &Client) -> AnyResult<Fp> {
    let users = User::find_many().exec(db).await?;
    let mut fp = Fp::default();
    for u in &users {
        fp.user(u.id, &u.name, u.hair_color.as_deref());
    }
    Ok(fp)
}

/// Users with black hair, left-joined to their posts.
///
/// The ORM has no joins yet, so this is what a user writes today: two `find_many` queries, stitched in
/// memory into the same `(User, Option<Post>)` rows a `LEFT JOIN` returns.
// The relation API version is `include_medium` (rows ours-include-query / ours-include-join); a true
// `LEFT JOIN` would be the way to close the gap to the single-statement peers.
pub async fn medium(db: &Client) -> AnyResult<Fp> {
    let users = User::find_many()
        .filter(User::HAIR_COLOR.eq("black"))
        .exec(db)
        .await?;
    let posts = Post::find_many()
        .filter(Post::USER_ID.in_(users.iter().map(|u| u.id)))
        .exec(db)
        .await?;
    let mut by_user: HashMap<i32, Vec<Post>> = HashMap::with_capacity(users.len());
    for p in posts {
        by_user.entry(p.user_id).or_default().push(p);
    }
    let mut rows: Vec<(User, Option<Post>)> = Vec::with_capacity(users.len());
    for u in users {
        match by_user.remove(&u.id) {
            Some(posts) => rows.extend(posts.into_iter().map(|p| (u.clone(), Some(p)))),
            None => rows.push((u, None)),
        }
    }
    let mut fp = Fp::default();
    for (u, p) in &rows {
        fp.user(u.id, &u.name, u.hair_color.as_deref());
        if let Some(p) = p {
            fp.post(p.id, p.user_id, &p.title, p.body.as_deref());
        }
    }
    Ok(fp)
}

/// Every user with their posts, each post with its comments: the relation API, with the backend's
/// default load strategy (`Strategy::default_for`: `Query` on PostgreSQL and MySQL, `Join` on SQLite),
/// as the README teaches it:
///
/// ```ignore
/// User::find_many().include(User::POSTS.include(Post::COMMENTS)).exec(db).await?
/// ```
///
/// The rows ours-include-query / ours-include-join pin each strategy ([`include_associations`]).
pub async fn ours_associations(db: &Client) -> AnyResult<Fp> {
    include_associations(db, None).await
}

/// Analysis only (`--only ours-manual`): the same tree without the relation API — three `find_many`
/// queries with `in_(ids)`, grouped in memory — the user-level code before `include` existed. Compared
/// with ours-include-query (the same three statements), it isolates the cost of the include machinery.
pub async fn manual_associations(db: &Client) -> AnyResult<Fp> {
    let users = User::find_many().exec(db).await?;
    let posts = Post::find_many()
        .filter(Post::USER_ID.in_(users.iter().map(|u| u.id)))
        .exec(db)
        .await?;
    let comments = Comment::find_many()
        .filter(Comment::POST_ID.in_(posts.iter().map(|p| p.id)))
        .exec(db)
        .await?;
    // Group children under parents, as an `include` would return them.
    let mut comments_of: HashMap<i32, Vec<Comment>> = HashMap::with_capacity(posts.len());
    for c in comments {
        comments_of.entry(c.post_id).or_default().push(c);
    }
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
    Ok(fingerprint_tree(&tree))
}

fn fingerprint_tree(tree: &[(User, Vec<(Post, Vec<Comment>)>)]) -> Fp {
    let mut fp = Fp::default();
    for (u, posts) in tree {
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

/// One multi-row insert of `n` users.
pub async fn insert(db: &Client, n: usize, seq: usize) -> AnyResult<Fp> {
    let rows = (0..n).map(|i| NewUser {
        name: format!("New user {}", seq + i),
        hair_color: hair(i).map(str::to_string),
        ..Default::default()
    });
    let inserted = User::create_many(rows).exec(db).await?;
    Ok(Fp::rows(inserted))
}

/// The nested load through the relation API:
/// `User::find_many().include(User::POSTS.include(Post::COMMENTS))`, with `.strategy(s)` when given.
pub async fn include_associations(db: &Client, strategy: Option<Strategy>) -> AnyResult<Fp> {
    let mut query = User::find_many().include(User::POSTS.include(Post::COMMENTS));
    if let Some(s) = strategy {
        query = query.strategy(s);
    }
    let users = query.exec(db).await?;
    let mut fp = Fp::default();
    for u in &users {
        fp.user(u.id, &u.name, u.hair_color.as_deref());
        for p in u.posts.get().ok_or("posts not loaded")? {
            fp.post(p.id, p.user_id, &p.title, p.body.as_deref());
            fp.nest(u.id, p.id);
            for c in p.comments.get().ok_or("comments not loaded")? {
                fp.comment(c.id, c.post_id, &c.text);
                fp.nest(p.id, c.id);
            }
        }
    }
    Ok(fp)
}

/// The medium query through the relation API: black-haired users with their posts included (the
/// nested equivalent of the `LEFT JOIN` rows; fingerprinted as those rows).
pub async fn include_medium(db: &Client, strategy: Strategy) -> AnyResult<Fp> {
    let users = User::find_many()
        .filter(User::HAIR_COLOR.eq("black"))
        .include(User::POSTS)
        .strategy(strategy)
        .exec(db)
        .await?;
    let mut fp = Fp::default();
    for u in &users {
        let posts = u.posts.get().ok_or("posts not loaded")?;
        if posts.is_empty() {
            fp.user(u.id, &u.name, u.hair_color.as_deref());
        }
        for p in posts {
            fp.user(u.id, &u.name, u.hair_color.as_deref());
            fp.post(p.id, p.user_id, &p.title, p.body.as_deref());
        }
    }
    Ok(fp)
}
