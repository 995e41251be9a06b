//! Model scopes: a client's default filter for one model's reads (lists, unique lookups, counts,
//! selects, streams, aggregates, group by) and default shape for its model reads (includes and
//! counts), per client or per handle (a tenant per request), kept by transactions, left out with
//! `.unscoped()`. Writes and related rows are not scoped.

use futures_util::TryStreamExt;
use orm_runtime::prelude::*;
use orm_runtime::query::Scope;
use orm_tests::backend_test_with_url;

/// A user.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "sc_users")]
pub struct User {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// Name.
    pub name: String,
    /// Posts.
    #[orm(has_many)]
    pub posts: HasMany<Post>,
}

/// A post of a tenant.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "sc_posts")]
pub struct Post {
    /// Key.
    #[orm(id)]
    pub id: i64,
    /// The tenant.
    pub tenant: i64,
    /// Published or a draft.
    pub published: bool,
    /// Author.
    pub author_id: i64,
    /// The author.
    #[orm(belongs_to(fk = author_id))]
    pub author: BelongsTo<User>,
}

/// A post card.
#[derive(Select, Debug, PartialEq)]
#[orm(model = Post)]
pub struct Card {
    id: i64,
    #[orm(relation)]
    author: Name,
}

/// A user's name.
#[derive(Select, Debug, PartialEq)]
#[orm(model = User)]
pub struct Name {
    name: String,
}

fn schema() -> Schema {
    Schema::new().model::<User>().model::<Post>()
}

/// Tenants 1 and 2, each with two published posts and one draft: ids 1–3 and 4–6.
async fn seed(db: &Client) -> orm_runtime::Result<()> {
    User::create(NewUser {
        id: 1,
        name: "Ada".into(),
    })
    .exec(db)
    .await?;
    for id in 1..=6 {
        Post::create(NewPost {
            id,
            tenant: if id <= 3 { 1 } else { 2 },
            published: id % 3 != 0,
            author_id: 1,
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

fn ids(posts: &[Post]) -> Vec<i64> {
    posts.iter().map(|p| p.id).collect()
}

fn published() -> Scope<Post> {
    Scope::new()
        .filter(Post::PUBLISHED.eq(true))
        .shape(|q| q.include(Post::AUTHOR))
}

backend_test_with_url!(
    a_client_scope_filters_and_shapes_every_read_of_its_model,
    schema(),
    |url: String, plain: Client| async move {
        seed(&plain).await?;
        let db = ClientOptions::new(&url)
            .scope(published())
            .connect()
            .await?;

        let posts = Post::find_many().order_by(Post::ID.asc()).exec(&db).await?;
        assert_eq!(ids(&posts), [1, 2, 4, 5]);
        assert!(
            posts.iter().all(|p| p.author.is_loaded()),
            "the scope's include"
        );
        assert_eq!(Post::find_unique(Post::ID.eq(3)).exec(&db).await?, None);
        assert!(Post::find_unique(Post::ID.eq(2)).exec(&db).await?.is_some());
        assert_eq!(
            Post::find_first()
                .filter(Post::TENANT.eq(1))
                .order_by(Post::ID.desc())
                .exec(&db)
                .await?
                .map(|p| p.id),
            Some(2)
        );
        assert_eq!(Post::count().exec(&db).await?, 4);
        assert_eq!(
            Post::find_many()
                .filter(Post::TENANT.eq(2))
                .count(&db)
                .await?,
            2
        );
        let cards = Post::find_many()
            .order_by(Post::ID.asc())
            .select::<Card>()
            .exec(&db)
            .await?;
        assert_eq!(cards.iter().map(|c| c.id).collect::<Vec<_>>(), [1, 2, 4, 5]);
        let (n,) = Post::aggregate((Agg::count_rows(),)).exec(&db).await?;
        assert_eq!(n, 4);
        let mut groups = Post::group_by((Post::TENANT,))
            .select(Agg::count_rows())
            .exec(&db)
            .await?;
        groups.sort();
        assert_eq!(groups, [((1,), 2), ((2,), 2)]);
        let streamed: Vec<Post> = Post::find_many()
            .order_by(Post::ID.asc())
            .stream(&db)
            .try_collect()
            .await?;
        assert_eq!(ids(&streamed), [1, 2, 4, 5]);
        assert!(streamed.iter().all(|p| p.author.is_loaded()));
        // The fluent relation API reads posts too.
        assert_eq!(
            User::POSTS.of_unique(User::ID.eq(1)).exec(&db).await?.len(),
            4
        );

        // Opting out.
        let all = Post::find_many().unscoped().exec(&db).await?;
        assert_eq!(all.len(), 6);
        assert!(all.iter().all(|p| !p.author.is_loaded()), "no shape either");
        assert_eq!(Post::count().unscoped().exec(&db).await?, 6);
        assert!(
            Post::find_unique(Post::ID.eq(3))
                .unscoped()
                .exec(&db)
                .await?
                .is_some()
        );
        let (n,) = Post::aggregate((Agg::count_rows(),))
            .unscoped()
            .exec(&db)
            .await?;
        assert_eq!(n, 6);

        // Related rows and writes are not scoped.
        let ada = User::find_unique(User::ID.eq(1))
            .include(User::POSTS)
            .exec(&db)
            .await?
            .expect("ada");
        assert_eq!(ada.posts.get().map(|p| p.len()), Some(6));
        assert_eq!(
            Post::update_many()
                .data(PostUpdate {
                    tenant: Patch::set(9),
                    ..Default::default()
                })
                .filter(Post::ID.eq(3))
                .exec(&db)
                .await?,
            1
        );
        // Another client on the same database has no scope.
        assert_eq!(Post::count().exec(&plain).await?, 6);
        Ok(())
    }
);

backend_test_with_url!(
    a_handle_scope_is_per_handle_and_kept_by_transactions,
    schema(),
    |url: String, db: Client| async move {
        seed(&db).await?;
        let tenant = |t: i64| Scope::<Post>::new().filter(Post::TENANT.eq(t));
        let one = db.with_scope(tenant(1));
        let two = db.with_scope(tenant(2));
        assert_eq!(
            ids(&Post::find_many()
                .order_by(Post::ID.asc())
                .exec(&one)
                .await?),
            [1, 2, 3]
        );
        assert_eq!(
            ids(&Post::find_many()
                .order_by(Post::ID.asc())
                .exec(&two)
                .await?),
            [4, 5, 6]
        );
        assert_eq!(
            Post::count().exec(&db).await?,
            6,
            "the original handle is unchanged"
        );
        // Scopes stack: tenant 1's published posts.
        let both = one.with_scope(Scope::new().filter(Post::PUBLISHED.eq(true)));
        assert_eq!(
            ids(&Post::find_many()
                .order_by(Post::ID.asc())
                .exec(&both)
                .await?),
            [1, 2]
        );
        // A transaction begun on a scoped handle reads through its scopes.
        let tx = two.begin().await?;
        assert_eq!(Post::count().exec(&tx).await?, 3);
        assert_eq!(Post::find_unique(Post::ID.eq(1)).exec(&tx).await?, None);
        tx.commit().await?;
        let seen = two
            .transaction(|tx| async move { Post::find_many().exec(&tx).await })
            .await?;
        assert_eq!(seen.len(), 3);
        // A client-wide scope and a handle's.
        let scoped = ClientOptions::new(&url)
            .scope(published())
            .connect()
            .await?;
        let mine = scoped.with_scope(tenant(2));
        assert_eq!(
            ids(&Post::find_many()
                .order_by(Post::ID.asc())
                .exec(&mine)
                .await?),
            [4, 5]
        );
        Ok(())
    }
);
