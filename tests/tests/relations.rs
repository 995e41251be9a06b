//! Relations on the blog schema: includes at any depth (filtered, ordered, paginated per parent),
//! relation counts, relation filters, ordering by related data, the fluent API, referential actions.
//! Every read runs under both load strategies, which must give identical results, and the number of
//! statements each sends is asserted.

use blog_models::*;
use orm_runtime::prelude::*;
use orm_tests::{backend_test, counted};

const STRATEGIES: [Strategy; 2] = [Strategy::Query, Strategy::Join];

/// Runs `query` under both strategies, asserts identical results and the statement counts
/// (`Join`: 1; `Query`: `query_statements`), and returns the result.
macro_rules! both {
    ($db:expr, $query_statements:expr, |$s:ident| $q:expr) => {{
        let mut results = Vec::new();
        for $s in STRATEGIES {
            let (r, n) = counted($db, || async { $q.strategy($s).exec($db).await }).await?;
            let want = if $s == Strategy::Join {
                1
            } else {
                $query_statements
            };
            assert_eq!(n, want, "{:?} sent {} statements, expected {}", $s, n, want);
            results.push(r);
        }
        let last = results.pop().unwrap();
        assert_eq!(results[0], last, "Query and Join strategies disagree");
        last
    }};
}

struct Seed {
    ada: User,
    bob: User,
    cy: User,
    rust: Category,
    systems: Category,
    hello: Post,
    async_post: Post,
    draft: Post,
    t_rust: Tag,
    t_db: Tag,
}

fn at(min: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_700_000_000 + min * 60, 0).unwrap()
}

async fn seed(db: &Client) -> orm_runtime::Result<Seed> {
    let mk_user = |email: &str, name: &str| NewUser {
        email: email.into(),
        name: Some(name.into()),
        username: Some(name.to_lowercase()),
        ..Default::default()
    };
    let ada = User::create(mk_user("ada@example.com", "Ada"))
        .exec(db)
        .await?;
    let bob = User::create(mk_user("bob@example.com", "Bob"))
        .exec(db)
        .await?;
    let cy = User::create(mk_user("cy@example.com", "Cy"))
        .exec(db)
        .await?;
    UserSettings::create(NewUserSettings {
        user_id: ada.id.clone(),
        theme: Some(Theme::Dark),
        ..Default::default()
    })
    .exec(db)
    .await?;

    let category = |name: &str, slug: &str, parent: Option<&Category>| NewCategory {
        name: name.into(),
        slug: slug.into(),
        parent_id: parent.map(|p| p.id.clone()),
        ..Default::default()
    };
    let rust = Category::create(category("Rust", "rust", None))
        .exec(db)
        .await?;
    let systems = Category::create(category("Systems", "systems", Some(&rust)))
        .exec(db)
        .await?;

    let mk_post =
        |slug: &str, author: &User, cat: Option<&Category>, published: bool, min: i64| NewPost {
            title: format!("Post {slug}"),
            content: format!("Content of {slug}"),
            slug: slug.into(),
            published: Some(published),
            author_id: author.id.clone(),
            category_id: cat.map(|c| c.id.clone()),
            created_at: Some(at(min)),
            ..Default::default()
        };
    let hello = Post::create(mk_post("hello", &ada, Some(&rust), true, 1))
        .exec(db)
        .await?;
    let async_post = Post::create(mk_post("async", &ada, Some(&systems), true, 2))
        .exec(db)
        .await?;
    let draft = Post::create(mk_post("draft", &ada, None, false, 3))
        .exec(db)
        .await?;
    Post::create(mk_post("bobs", &bob, Some(&rust), true, 4))
        .exec(db)
        .await?;

    let tag = |name: &str| NewTag {
        name: name.into(),
        slug: name.into(),
        ..Default::default()
    };
    let t_rust = Tag::create(tag("rust")).exec(db).await?;
    let t_db = Tag::create(tag("db")).exec(db).await?;
    let post_tag = |p: &Post, t: &Tag| NewPostTag {
        post_id: p.id.clone(),
        tag_id: t.id.clone(),
    };
    PostTag::create_many([
        post_tag(&hello, &t_rust),
        post_tag(&hello, &t_db),
        post_tag(&async_post, &t_rust),
    ])
    .exec(db)
    .await?;

    // Comments on `hello`: bob's, a reply by ada, cy's.
    let comment = |content: &str, author: &User, parent: Option<&Comment>, min: i64| NewComment {
        content: content.into(),
        post_id: hello.id.clone(),
        author_id: author.id.clone(),
        parent_id: parent.map(|c| c.id.clone()),
        created_at: Some(at(min)),
        updated_at: None,
        id: None,
    };
    let c1 = Comment::create(comment("Nice", &bob, None, 10))
        .exec(db)
        .await?;
    Comment::create(comment("Thanks", &ada, Some(&c1), 11))
        .exec(db)
        .await?;
    Comment::create(comment("+1", &cy, None, 12))
        .exec(db)
        .await?;

    // Likes: bob and cy like `hello`; cy likes bob's comment.
    let like = |user: &User, post: Option<&Post>, comment: Option<&Comment>| NewLike {
        user_id: user.id.clone(),
        post_id: post.map(|p| p.id.clone()),
        comment_id: comment.map(|c| c.id.clone()),
        id: None,
        created_at: None,
    };
    Like::create_many([
        like(&bob, Some(&hello), None),
        like(&cy, Some(&hello), None),
        like(&cy, None, Some(&c1)),
    ])
    .exec(db)
    .await?;

    // bob and cy follow ada; ada follows bob.
    for (follower, following) in [(&bob, &ada), (&cy, &ada), (&ada, &bob)] {
        Follow::create(NewFollow {
            follower_id: follower.id.clone(),
            following_id: following.id.clone(),
            id: None,
            created_at: None,
        })
        .exec(db)
        .await?;
    }
    Ok(Seed {
        ada,
        bob,
        cy,
        rust,
        systems,
        hello,
        async_post,
        draft,
        t_rust,
        t_db,
    })
}

fn slugs(posts: &HasMany<Post>) -> Vec<&str> {
    posts.iter().map(|p| p.slug.as_str()).collect()
}

backend_test!(
    include_nested_to_many_and_through_join_model,
    schema(),
    |db: Client| async move {
        let s = seed(&db).await?;
        let users = both!(&db, 5, |st| User::find_many()
            .order_by(User::EMAIL.asc())
            .include(
                User::POSTS
                    .order_by(Post::CREATED_AT.asc())
                    .include(
                        Post::TAGS
                            .include(PostTag::TAG)
                            .order_by(PostTag::TAG_ID.asc())
                    )
                    .include(Post::CATEGORY)
            ));
        assert_eq!(users.len(), 3);
        let ada = &users[0];
        assert_eq!(ada.id, s.ada.id);
        assert_eq!(slugs(&ada.posts), ["hello", "async", "draft"]);
        let hello = &ada.posts.get().unwrap()[0];
        let mut tag_names: Vec<&str> = hello
            .tags
            .iter()
            .map(|pt| pt.tag.get().unwrap().name.as_str())
            .collect();
        tag_names.sort();
        assert_eq!(tag_names, ["db", "rust"]);
        assert_eq!(hello.category.get().map(|c| c.slug.as_str()), Some("rust"));
        assert!(hello.category.is_loaded());
        let draft = &ada.posts.get().unwrap()[2];
        assert!(
            draft.category.is_loaded() && draft.category.get().is_none(),
            "a NULL foreign key loads as None"
        );
        assert_eq!(
            draft.tags.get(),
            Some(&[][..]),
            "no tags loads as an empty list"
        );
        assert!(
            !draft.comments.is_loaded(),
            "what was not included stays unloaded"
        );
        assert_eq!(
            slugs(&users[2].posts),
            Vec::<&str>::new(),
            "cy has no posts"
        );
        let _ = (
            &s.bob,
            &s.cy,
            &s.t_rust,
            &s.t_db,
            &s.draft,
            &s.async_post,
            &s.systems,
        );
        Ok(())
    }
);

backend_test!(
    include_belongs_to_shared_parent_and_self_relations,
    schema(),
    |db: Client| async move {
        let s = seed(&db).await?;
        // Three posts share one author: each gets a copy.
        let posts = both!(&db, 5, |st| Post::find_many()
            .filter(Post::AUTHOR_ID.eq(&s.ada.id))
            .order_by(Post::SLUG.asc())
            .include(Post::AUTHOR.include(User::SETTINGS))
            .include(Post::CATEGORY.include(Category::PARENT)));
        assert_eq!(posts.len(), 3);
        for p in &posts {
            let author = p.author.get().expect("author loaded");
            assert_eq!(author.email, "ada@example.com");
            assert_eq!(author.settings.get().map(|st| st.theme), Some(Theme::Dark));
        }
        let async_post = posts.iter().find(|p| p.slug == "async").unwrap();
        let cat = async_post.category.get().unwrap();
        assert_eq!(cat.id, s.systems.id);
        assert_eq!(
            cat.parent.get().map(|p| p.id.as_str()),
            Some(s.rust.id.as_str())
        );

        // Self relations, both directions, two levels.
        let root = both!(&db, 3, |st| Category::find_unique(
            Category::SLUG.eq("rust")
        )
        .include(Category::CHILDREN.include(Category::POSTS))
        .with_count(Category::POSTS));
        let root = root.expect("rust category");
        assert_eq!(root.posts.count(), Some(2));
        let children = root.children.get().unwrap();
        assert_eq!(children.len(), 1);
        assert_eq!(slugs(&children[0].posts), ["async"]);

        let threads = both!(&db, 3, |st| Comment::find_many()
            .filter(Comment::PARENT_ID.is_null())
            .order_by(Comment::CREATED_AT.asc())
            .include(Comment::REPLIES.include(Comment::AUTHOR)));
        assert_eq!(threads.len(), 2);
        let replies = threads[0].replies.get().unwrap();
        assert_eq!(replies.len(), 1);
        assert_eq!(replies[0].author.get().unwrap().id, s.ada.id);
        assert_eq!(threads[1].replies.get().unwrap().len(), 0);
        Ok(())
    }
);

backend_test!(
    include_filters_orders_and_paginates_per_parent,
    schema(),
    |db: Client| async move {
        let s = seed(&db).await?;
        // Each user's latest published post: pagination happens per parent, in SQL.
        let users = both!(&db, 2, |st| User::find_many()
            .order_by(User::EMAIL.asc())
            .include(
                User::POSTS
                    .filter(Post::PUBLISHED.eq(true))
                    .order_by(Post::CREATED_AT.desc())
                    .take(1)
            ));
        assert_eq!(slugs(&users[0].posts), ["async"]);
        assert_eq!(slugs(&users[1].posts), ["bobs"]);
        assert_eq!(slugs(&users[2].posts), Vec::<&str>::new());

        let ada = both!(&db, 2, |st| User::find_unique_or_throw(
            User::ID.eq(&s.ada.id)
        )
        .include(User::POSTS.order_by(Post::CREATED_AT.asc()).skip(1).take(5)));
        assert_eq!(slugs(&ada.posts), ["async", "draft"]);
        Ok(())
    }
);

backend_test!(
    relation_counts_filtered_and_two_relations_to_one_model,
    schema(),
    |db: Client| async move {
        let s = seed(&db).await?;
        // The seed's getUserWithStats: five counts (one filtered) and the settings, one user.
        let ada = both!(&db, 2, |st| User::find_unique(User::ID.eq(&s.ada.id))
            .with_count(User::POSTS.filter(Post::PUBLISHED.eq(true)))
            .with_count(User::FOLLOWERS)
            .with_count(User::FOLLOWING)
            .with_count(User::COMMENTS)
            .with_count(User::LIKES)
            .include(User::SETTINGS))
        .expect("ada");
        assert_eq!(
            ada.posts.count(),
            Some(2),
            "only published posts are counted"
        );
        assert!(!ada.posts.is_loaded(), "a count does not load the rows");
        assert_eq!(ada.followers.count(), Some(2));
        assert_eq!(ada.following.count(), Some(1));
        assert_eq!(ada.comments.count(), Some(1));
        assert_eq!(ada.likes.count(), Some(0));
        assert_eq!(ada.settings.get().map(|st| st.theme), Some(Theme::Dark));

        // Counts on a nested level, and a count next to a paginated include of the same relation.
        let posts = both!(&db, 3, |st| Post::find_many()
            .filter(Post::PUBLISHED.eq(true))
            .order_by(Post::CREATED_AT.asc())
            .with_count(Post::COMMENTS)
            .with_count(Post::LIKES)
            .include(Post::AUTHOR.with_count(User::POSTS))
            .include(Post::COMMENTS.order_by(Comment::CREATED_AT.asc()).take(1)));
        let counts: Vec<_> = posts
            .iter()
            .map(|p| {
                (
                    p.slug.as_str(),
                    p.comments.count(),
                    p.likes.count(),
                    p.comments.get().map(|c| c.len()),
                )
            })
            .collect();
        assert_eq!(
            counts,
            [
                ("hello", Some(3), Some(2), Some(1)),
                ("async", Some(0), Some(0), Some(0)),
                ("bobs", Some(0), Some(0), Some(0))
            ]
        );
        assert_eq!(posts[0].author.get().unwrap().posts.count(), Some(3));
        Ok(())
    }
);

backend_test!(
    relation_filters_some_every_none_is_and_counts,
    schema(),
    |db: Client| async move {
        let s = seed(&db).await?;
        let emails = |users: Vec<User>| users.into_iter().map(|u| u.email).collect::<Vec<_>>();
        let q = || User::find_many().order_by(User::EMAIL.asc());

        let with_drafts = q()
            .filter(User::POSTS.some(Post::PUBLISHED.eq(false)))
            .exec(&db)
            .await?;
        assert_eq!(emails(with_drafts), ["ada@example.com"]);
        // `every` holds vacuously for cy, who has no posts.
        let all_published = q()
            .filter(User::POSTS.every(Post::PUBLISHED.eq(true)))
            .exec(&db)
            .await?;
        assert_eq!(emails(all_published), ["bob@example.com", "cy@example.com"]);
        let no_posts = q()
            .filter(User::POSTS.none(Filter::all()))
            .exec(&db)
            .await?;
        assert_eq!(emails(no_posts), ["cy@example.com"]);
        // Nested: users who commented on a post in the Rust category.
        let commenters = q()
            .filter(
                User::COMMENTS.some(Comment::POST.is(Post::CATEGORY.is(Category::SLUG.eq("rust")))),
            )
            .exec(&db)
            .await?;
        assert_eq!(
            emails(commenters),
            ["ada@example.com", "bob@example.com", "cy@example.com"]
        );
        // By count — which Prisma cannot do.
        let prolific = q().filter(User::POSTS.count().gt(1)).exec(&db).await?;
        assert_eq!(emails(prolific), ["ada@example.com"]);
        let popular = q()
            .filter(User::FOLLOWERS.count().gte(1) & User::FOLLOWING.count().eq(0))
            .exec(&db)
            .await?;
        assert_eq!(emails(popular), Vec::<String>::new());
        let published_twice = q()
            .filter(User::POSTS.filter(Post::PUBLISHED.eq(true)).count().eq(2))
            .exec(&db)
            .await?;
        assert_eq!(emails(published_twice), ["ada@example.com"]);

        // To-one: is / is_not / is_set / is_unset.
        let by_ada = Post::find_many()
            .filter(Post::AUTHOR.is(User::NAME.eq("Ada")))
            .exec(&db)
            .await?;
        assert_eq!(by_ada.len(), 3);
        let uncategorised = Post::find_many()
            .filter(Post::CATEGORY.is_unset())
            .exec(&db)
            .await?;
        assert_eq!(
            uncategorised
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>(),
            [s.draft.id.as_str()]
        );
        let not_rust = Post::find_many()
            .filter(Post::CATEGORY.is_not(Category::SLUG.eq("rust")))
            .order_by(Post::SLUG.asc())
            .exec(&db)
            .await?;
        assert_eq!(
            not_rust.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>(),
            ["async", "draft"]
        );
        let with_settings = q().filter(User::SETTINGS.is_set()).exec(&db).await?;
        assert_eq!(emails(with_settings), ["ada@example.com"]);

        // Polymorphic likes: of posts, of comments.
        let post_likes = Like::count().filter(Like::POST.is_set()).exec(&db).await?;
        let comment_likes = Like::count()
            .filter(Like::COMMENT.is(Comment::AUTHOR_ID.eq(&s.bob.id)))
            .exec(&db)
            .await?;
        assert_eq!((post_likes, comment_likes), (2, 1));

        // Filters work in updates and deletes too.
        let n = Post::update_many()
            .filter(Post::AUTHOR.is(User::EMAIL.eq("bob@example.com")))
            .set(Post::FEATURED, true)
            .exec(&db)
            .await?;
        assert_eq!(n, 1);
        Ok(())
    }
);

backend_test!(
    order_by_related_field_and_relation_count,
    schema(),
    |db: Client| async move {
        seed(&db).await?;
        let posts = Post::find_many()
            .order_by(Post::AUTHOR.field(User::NAME).desc())
            .order_by(Post::SLUG.asc())
            .exec(&db)
            .await?;
        assert_eq!(
            posts.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>(),
            ["bobs", "async", "draft", "hello"]
        );
        let users = User::find_many()
            .order_by(User::FOLLOWERS.count().desc())
            .order_by(User::EMAIL.asc())
            .take(2)
            .exec(&db)
            .await?;
        assert_eq!(
            users.iter().map(|u| u.email.as_str()).collect::<Vec<_>>(),
            ["ada@example.com", "bob@example.com"]
        );
        // A cursor works over a relation count too: the page starts at the cursor row of the
        // full order, and `count` of the same query agrees.
        let all: Vec<String> = User::find_many()
            .order_by(User::FOLLOWERS.count().desc())
            .order_by(User::EMAIL.asc())
            .exec(&db)
            .await?
            .into_iter()
            .map(|u| u.email)
            .collect();
        let page = User::find_many()
            .order_by(User::FOLLOWERS.count().desc())
            .order_by(User::EMAIL.asc())
            .cursor(User::EMAIL.eq("bob@example.com"));
        let from = all.iter().position(|e| e == "bob@example.com").unwrap();
        let counted = User::find_many()
            .order_by(User::FOLLOWERS.count().desc())
            .order_by(User::EMAIL.asc())
            .cursor(User::EMAIL.eq("bob@example.com"))
            .count(&db)
            .await?;
        let page: Vec<String> = page.exec(&db).await?.into_iter().map(|u| u.email).collect();
        assert_eq!(page, all[from..]);
        assert_eq!(counted, page.len() as i64);
        Ok(())
    }
);

backend_test!(
    fluent_api_and_instance_accessors,
    schema(),
    |db: Client| async move {
        let s = seed(&db).await?;
        let posts = User::POSTS
            .of_unique(User::EMAIL.eq("ada@example.com"))
            .filter(Post::PUBLISHED.eq(true))
            .order_by(Post::SLUG.asc())
            .exec(&db)
            .await?;
        assert_eq!(
            posts.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>(),
            ["async", "hello"]
        );
        let author = Post::AUTHOR
            .of_unique(Post::SLUG.eq("bobs"))
            .exec(&db)
            .await?;
        assert_eq!(
            author.into_iter().map(|u| u.id).collect::<Vec<_>>(),
            std::slice::from_ref(&s.bob.id)
        );
        let n = s.ada.posts_query().count(&db).await?;
        assert_eq!(n, 3);
        let tags = s.hello.tags_query().include(PostTag::TAG).exec(&db).await?;
        assert_eq!(tags.len(), 2);
        let followers = s
            .ada
            .followers_query()
            .include(Follow::FOLLOWER)
            .exec(&db)
            .await?;
        let mut names: Vec<_> = followers
            .iter()
            .map(|f| f.follower.get().unwrap().email.clone())
            .collect();
        names.sort();
        assert_eq!(names, ["bob@example.com", "cy@example.com"]);
        let _ = &s.cy;
        Ok(())
    }
);

backend_test!(
    referential_actions_cascade_and_set_null,
    schema(),
    |db: Client| async move {
        let s = seed(&db).await?;
        // Deleting a category sets its posts' category to NULL (optional relation default).
        Category::delete(Category::ID.eq(&s.systems.id))
            .exec(&db)
            .await?;
        let p = Post::find_unique_or_throw(Post::ID.eq(&s.async_post.id))
            .exec(&db)
            .await?;
        assert_eq!(p.category_id, None);
        // Deleting a user cascades to their posts, their posts' comments, tags and likes.
        User::delete(User::ID.eq(&s.ada.id)).exec(&db).await?;
        assert_eq!(
            Post::count()
                .filter(Post::AUTHOR_ID.eq(&s.ada.id))
                .exec(&db)
                .await?,
            0
        );
        assert_eq!(
            Comment::count()
                .filter(Comment::POST_ID.eq(&s.hello.id))
                .exec(&db)
                .await?,
            0
        );
        assert_eq!(PostTag::count().exec(&db).await?, 0);
        assert_eq!(
            Like::count()
                .filter(Like::POST_ID.is_not_null())
                .exec(&db)
                .await?,
            0
        );
        // A foreign key to a missing row is refused, as a typed error.
        let err = Post::create(NewPost {
            title: "x".into(),
            content: "x".into(),
            slug: "orphan".into(),
            author_id: "nobody".into(),
            ..Default::default()
        })
        .exec(&db)
        .await
        .unwrap_err();
        assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");
        Ok(())
    }
);

#[derive(Select, Debug, PartialEq, serde::Serialize)]
#[orm(model = User)]
struct AuthorCard {
    id: String,
    name: Option<String>,
    username: Option<String>,
    image: Option<String>,
}

#[derive(Select, Debug, PartialEq, serde::Serialize)]
#[orm(model = Category)]
struct CategoryChip {
    id: String,
    name: String,
    slug: String,
    color: Option<String>,
}

#[derive(Select, Debug, PartialEq, serde::Serialize)]
#[orm(model = Tag)]
struct TagChip {
    name: String,
    slug: String,
}

#[derive(Select, Debug, PartialEq, serde::Serialize)]
#[orm(model = Post)]
struct PostCard {
    id: String,
    title: String,
    #[orm(field = created_at)]
    created: chrono::DateTime<chrono::Utc>,
    #[orm(relation)]
    author: AuthorCard,
    #[orm(relation)]
    category: Option<CategoryChip>,
    #[orm(relation(through = PostTag::TAG, order_by = PostTag::TAG.field(Tag::NAME).desc()))]
    tags: Vec<TagChip>,
    #[orm(count = comments)]
    comment_count: i64,
    #[orm(count(likes, filter = Like::USER_ID.ne("nobody")))]
    like_count: i64,
}

#[derive(Select, Debug, PartialEq, serde::Serialize)]
#[orm(model = User)]
struct Profile {
    email: String,
    #[orm(relation)]
    settings: Option<SettingsView>,
    #[orm(relation(name = posts, order_by = Post::SLUG.asc()))]
    all_posts: Vec<PostTitle>,
    #[orm(count(posts, filter = Post::PUBLISHED.eq(true)))]
    published: i64,
    #[orm(count = followers)]
    followers: i64,
}

#[derive(Select, Debug, PartialEq, serde::Serialize)]
#[orm(model = UserSettings)]
struct SettingsView {
    theme: Theme,
}

#[derive(Select, Debug, PartialEq, serde::Serialize)]
#[orm(model = Post)]
struct PostTitle {
    slug: String,
}

backend_test!(
    typed_select_with_nested_relations_and_counts,
    schema(),
    |db: Client| async move {
        let s = seed(&db).await?;
        // The seed's getPostsPaginated shape: author card, category chip, tags through the join
        // model, comment and like counts — 1 + 4 statements with Query, 1 with Join.
        let cards = both!(&db, 5, |st| Post::find_many()
            .filter(Post::PUBLISHED.eq(true) & Post::AUTHOR_ID.eq(&s.ada.id))
            .order_by(Post::CREATED_AT.desc())
            .take(2)
            .select::<PostCard>());
        assert_eq!(cards.len(), 2);
        assert_eq!(cards[0].title, "Post async");
        assert_eq!(cards[0].author.name.as_deref(), Some("Ada"));
        assert_eq!(
            cards[0].category.as_ref().map(|c| c.slug.as_str()),
            Some("systems")
        );
        assert_eq!(
            cards[0].tags,
            [TagChip {
                name: "rust".into(),
                slug: "rust".into()
            }]
        );
        assert_eq!(cards[0].created, at(2));
        assert_eq!((cards[1].comment_count, cards[1].like_count), (3, 2));
        let json = serde_json::to_value(&cards[1]).unwrap();
        assert_eq!(json["author"]["username"], "ada");
        assert_eq!(json["tags"][0]["name"], "rust", "tags by name, descending");
        assert_eq!(json["tags"][1]["name"], "db");

        let profile = both!(&db, 3, |st| User::find_unique(User::ID.eq(&s.ada.id))
            .select::<Profile>())
        .expect("ada");
        assert_eq!(profile.settings, Some(SettingsView { theme: Theme::Dark }));
        assert_eq!(
            profile.all_posts,
            ["async", "draft", "hello"].map(|slug| PostTitle { slug: slug.into() })
        );
        assert_eq!((profile.published, profile.followers), (2, 2));
        let bob = User::find_first()
            .filter(User::EMAIL.eq("bob@example.com"))
            .select::<Profile>()
            .exec(&db)
            .await?
            .expect("bob");
        assert_eq!(bob.settings, None);
        Ok(())
    }
);

/// A user's display name: the seed's `fullName`.
fn display_name(name: &Option<String>, username: &Option<String>) -> String {
    [name.as_deref(), username.as_deref()]
        .into_iter()
        .flatten()
        .find(|s| !s.is_empty())
        .unwrap_or("Anonymous")
        .to_owned()
}

/// Whether a post was written in the seed clock's first two minutes.
fn early(created_at: &chrono::DateTime<chrono::Utc>) -> bool {
    *created_at < at(2)
}

#[derive(Debug, PartialEq, serde::Serialize)]
struct Engagement {
    comments: i64,
    likes: i64,
    total: i64,
}

fn engagement(comments: i64, likes: i64) -> Engagement {
    Engagement {
        comments,
        likes,
        total: comments + likes,
    }
}

#[derive(Select, Debug, PartialEq, serde::Serialize)]
#[orm(model = User)]
struct Byline {
    id: String,
    // Needs columns the struct does not name.
    #[orm(computed(with = display_name, needs = [name, username]))]
    full_name: String,
}

#[derive(Select, Debug, PartialEq, serde::Serialize)]
#[orm(model = Post)]
struct Teaser {
    title: String,
    #[orm(computed(with = early, needs = [created_at]))]
    early: bool,
    #[orm(relation)]
    author: Byline,
    // Counts a computed field needs, next to a count field of its own.
    #[orm(count = comments)]
    comment_count: i64,
    #[orm(computed(with = engagement, needs = [count(comments), count(likes, filter = Like::USER_ID.ne("nobody"))]))]
    engagement: Engagement,
}

backend_test!(
    typed_select_with_computed_fields,
    schema(),
    |db: Client| async move {
        let s = seed(&db).await?;
        let teasers = both!(&db, 2, |st| Post::find_many()
            .filter(Post::AUTHOR_ID.eq(&s.ada.id))
            .order_by(Post::CREATED_AT.asc())
            .select::<Teaser>());
        assert_eq!(teasers.len(), 3);
        for t in &teasers {
            assert_eq!(t.author.full_name, "Ada");
            assert_eq!(t.engagement.comments, t.comment_count);
            assert_eq!(
                t.engagement.total,
                t.engagement.comments + t.engagement.likes
            );
        }
        let hello = teasers
            .iter()
            .find(|t| t.title == s.hello.title)
            .expect("hello");
        assert_eq!((hello.engagement.comments, hello.engagement.likes), (3, 2));
        let posts = Post::find_many()
            .filter(Post::AUTHOR_ID.eq(&s.ada.id))
            .order_by(Post::CREATED_AT.asc())
            .exec(&db)
            .await?;
        assert_eq!(
            teasers.iter().map(|t| t.early).collect::<Vec<_>>(),
            posts
                .iter()
                .map(|p| p.created_at < at(2))
                .collect::<Vec<_>>()
        );
        let json = serde_json::to_value(&teasers[0]).unwrap();
        assert_eq!(json["author"]["full_name"], "Ada");
        assert!(json["engagement"]["total"].is_i64());

        // A user without a name falls back to the username, then to "Anonymous".
        let nameless = User::create(NewUser {
            email: "nameless@example.com".into(),
            username: Some("nn".into()),
            ..Default::default()
        })
        .exec(&db)
        .await?;
        let byline = User::find_unique(User::ID.eq(&nameless.id))
            .select::<Byline>()
            .exec(&db)
            .await?
            .expect("nameless");
        assert_eq!(byline.full_name, "nn");
        User::update(User::ID.eq(&nameless.id))
            .data(UserUpdate {
                username: Patch::set(None),
                ..Default::default()
            })
            .exec(&db)
            .await?;
        let byline = User::find_unique(User::ID.eq(&nameless.id))
            .select::<Byline>()
            .exec(&db)
            .await?
            .expect("nameless");
        assert_eq!(byline.full_name, "Anonymous");
        Ok(())
    }
);

backend_test!(
    counting_a_relation_again_replaces_its_count,
    schema(),
    |db: Client| async move {
        let s = seed(&db).await?;
        for st in STRATEGIES {
            let ada = User::find_unique(User::ID.eq(&s.ada.id))
                .with_count(User::POSTS.filter(Post::PUBLISHED.eq(true)))
                .with_count(User::POSTS)
                .strategy(st)
                .exec(&db)
                .await?
                .expect("ada");
            assert_eq!(
                ada.posts.count(),
                Some(3),
                "{st:?}: the last count of posts"
            );
            let ada = User::find_unique(User::ID.eq(&s.ada.id))
                .with_count(User::POSTS)
                .with_count(User::POSTS.filter(Post::PUBLISHED.eq(true)))
                .strategy(st)
                .exec(&db)
                .await?
                .expect("ada");
            assert_eq!(
                ada.posts.count(),
                Some(2),
                "{st:?}: the last count of posts"
            );
        }
        Ok(())
    }
);

backend_test!(
    nested_writes_on_create_and_update,
    schema(),
    |db: Client| async move {
        let s = seed(&db).await?;
        // The seed's user with `settings: { create }`, plus posts created with it.
        let dee = User::create(NewUser {
            email: "dee@example.com".into(),
            role: Some(Role::Admin),
            ..Default::default()
        })
        .with(User::SETTINGS.create(NewUserSettings {
            theme: Some(Theme::Light),
            ..Default::default()
        }))
        .with(User::POSTS.create_many(["d1", "d2"].map(|slug| NewPost {
            title: slug.into(),
            content: "x".into(),
            slug: slug.into(),
            ..Default::default()
        })))
        .exec(&db)
        .await?;
        assert_eq!(dee.settings.get().map(|st| st.theme), Some(Theme::Light));
        assert_eq!(
            dee.settings.get().map(|st| st.user_id.as_str()),
            Some(dee.id.as_str())
        );
        assert_eq!(
            dee.posts
                .iter()
                .map(|p| p.author_id.as_str())
                .collect::<Vec<_>>(),
            [dee.id.as_str(); 2]
        );
        assert_eq!(
            Post::count()
                .filter(Post::AUTHOR_ID.eq(&dee.id))
                .exec(&db)
                .await?,
            2
        );

        // Belongs-to: connect an author, connect-or-create a category (created, then found).
        let mk = |slug: &str| NewPost {
            title: slug.into(),
            content: "x".into(),
            slug: slug.into(),
            ..Default::default()
        };
        let new_cat = || NewCategory {
            name: "Databases".into(),
            slug: "databases".into(),
            ..Default::default()
        };
        let p1 = Post::create(mk("p1"))
            .with(Post::AUTHOR.connect(User::EMAIL.eq("bob@example.com")))
            .with(Post::CATEGORY.connect_or_create(Category::SLUG.eq("databases"), new_cat()))
            .exec(&db)
            .await?;
        let p2 = Post::create(mk("p2"))
            .with(Post::AUTHOR.connect(User::EMAIL.eq("bob@example.com")))
            .with(Post::CATEGORY.connect_or_create(Category::SLUG.eq("databases"), new_cat()))
            .exec(&db)
            .await?;
        assert_eq!(p1.author_id, s.bob.id);
        assert_eq!(p1.category_id, p2.category_id);
        assert_eq!(
            Category::count()
                .filter(Category::SLUG.eq("databases"))
                .exec(&db)
                .await?,
            1
        );

        // A failing nested write rolls the whole create back.
        let before = Post::count().exec(&db).await?;
        let err = Post::create(mk("p3"))
            .with(Post::AUTHOR.connect(User::EMAIL.eq("nobody@example.com")))
            .exec(&db)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { model: "User" }), "{err:?}");
        let err = User::create(NewUser {
            email: "eve@example.com".into(),
            ..Default::default()
        })
        .with(User::POSTS.create(mk("hello"))) // duplicate slug
        .exec(&db)
        .await
        .unwrap_err();
        assert!(matches!(err, Error::UniqueViolation { .. }), "{err:?}");
        assert_eq!(Post::count().exec(&db).await?, before);
        assert!(
            User::find_unique(User::EMAIL.eq("eve@example.com"))
                .exec(&db)
                .await?
                .is_none()
        );

        // To-many on update: set / connect / disconnect / update_many / delete.
        let rust = Category::update(Category::ID.eq(&s.rust.id))
            .with(Category::POSTS.set([Post::SLUG.eq("draft"), Post::SLUG.eq("p1")]))
            .exec(&db)
            .await?;
        let in_rust = |db: Client| async move {
            let mut v: Vec<String> = Category::POSTS
                .of_unique(Category::SLUG.eq("rust"))
                .exec(&db)
                .await?
                .into_iter()
                .map(|p| p.slug)
                .collect();
            v.sort();
            Ok::<_, Error>(v)
        };
        assert_eq!(in_rust(db.clone()).await?, ["draft", "p1"]);
        Category::update(Category::ID.eq(&rust.id))
            .with(Category::POSTS.connect(Post::SLUG.eq("hello")))
            .with(Category::POSTS.disconnect(Post::SLUG.eq("draft")))
            .with(Category::POSTS.update_many(
                Post::SLUG.eq("p1"),
                PostUpdate {
                    featured: Patch::set(true),
                    ..Default::default()
                },
            ))
            .exec(&db)
            .await?;
        assert_eq!(in_rust(db.clone()).await?, ["hello", "p1"]);
        assert!(
            Post::find_unique_or_throw(Post::SLUG.eq("p1"))
                .exec(&db)
                .await?
                .featured
        );
        // Disconnecting from a required foreign key is refused, and nothing changes.
        let err = User::update(User::ID.eq(&s.bob.id))
            .with(User::POSTS.disconnect(Post::SLUG.eq("p1")))
            .exec(&db)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidQuery(_)), "{err:?}");
        User::update(User::ID.eq(&s.bob.id))
            .with(User::POSTS.delete(Post::SLUG.eq("p2")))
            .with(User::SETTINGS.create(NewUserSettings::default()))
            .exec(&db)
            .await?;
        assert!(
            Post::find_unique(Post::SLUG.eq("p2"))
                .exec(&db)
                .await?
                .is_none()
        );
        // Upserts: bob's settings now exist (updated), cy's do not (created).
        for (who, theme) in [(&s.bob, Theme::Dark), (&s.cy, Theme::Light)] {
            let u = User::update(User::ID.eq(&who.id))
                .with(User::SETTINGS.upsert(
                    NewUserSettings {
                        theme: Some(Theme::Light),
                        ..Default::default()
                    },
                    UserSettingsUpdate {
                        theme: Patch::set(Theme::Dark),
                        ..Default::default()
                    },
                ))
                .exec(&db)
                .await?;
            let _ = u;
            let st = UserSettings::find_unique_or_throw(UserSettings::USER_ID.eq(&who.id))
                .exec(&db)
                .await?;
            assert_eq!(st.theme, theme);
        }
        User::update(User::ID.eq(&s.bob.id))
            .with(User::POSTS.upsert(
                Post::SLUG.eq("p9"),
                NewPost {
                    title: "p9".into(),
                    content: "x".into(),
                    slug: "p9".into(),
                    ..Default::default()
                },
                PostUpdate::default(),
            ))
            .exec(&db)
            .await?;
        assert_eq!(
            Post::find_unique_or_throw(Post::SLUG.eq("p9"))
                .exec(&db)
                .await?
                .author_id,
            s.bob.id
        );
        // Belongs-to on update: disconnect an optional relation.
        let p1 = Post::update(Post::SLUG.eq("p1"))
            .with(Post::CATEGORY.disconnect())
            .exec(&db)
            .await?;
        assert_eq!(p1.category_id, None);
        let _ = (&s.cy, &s.hello);
        Ok(())
    }
);
