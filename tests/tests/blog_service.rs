//! The blog's application layer on every backend: the seeded data set, each `DatabaseService`
//! operation (values, ordering, cursor pages, filters, search, transactions and rollback, skipped
//! duplicates), the computed fields, and the statements each read sends.

use blog_models::seed::{self, SeedSize, Seeded};
use blog_models::service::{
    DatabaseService, MAX_PAGE_SIZE, NotificationInput, PostCard, PostFilters, PostInput,
    generate_slug,
};
use blog_models::*;
use orm_runtime::prelude::*;
use orm_tests::{backend_test, backend_test_with_url, counted};

const STRATEGIES: [Strategy; 2] = [Strategy::Query, Strategy::Join];

/// Statements a post-card read sends: 1 with `Join`; with `Query`, 1 for the posts and their counts
/// plus one per include (author, category, post-tags, tags).
fn card_statements(s: Strategy) -> u64 {
    match s {
        Strategy::Join => 1,
        _ => 5,
    }
}

fn ids(cards: &[PostCard]) -> Vec<String> {
    cards.iter().map(|c| c.id.clone()).collect()
}

/// The ids of the seeded posts matching `keep`, in the service's order (newest first, ties by id
/// descending: the primary key follows the last order term's direction),
/// computed from the seed's documented formulas rather than read from the database.
fn expected_posts(size: &SeedSize, keep: impl Fn(usize) -> bool) -> Vec<String> {
    let mut posts: Vec<usize> = (1..=size.posts()).filter(|&k| keep(k)).collect();
    posts.sort_by_key(|&k| std::cmp::Reverse((size.post_created_at(k), seed::post_id(k))));
    posts.into_iter().map(seed::post_id).collect()
}

/// The seeded post number of a seeded post id.
fn post_number(id: &str) -> usize {
    id.trim_start_matches("post_").parse().unwrap()
}

async fn small_seed(db: &Client) -> orm_runtime::Result<(SeedSize, Seeded)> {
    let size = SeedSize::small();
    let seeded = seed::seed(db, size).await?;
    Ok((size, seeded))
}

backend_test!(
    seed_inserts_the_documented_data_set_deterministically,
    blog_models::schema(),
    |db: Client| async move {
        let (size, seeded) = small_seed(&db).await?;
        // 4 users + admin; 12 posts, 2 drafts (k0 = 4, 9); 30 post-tags (1+2+3+4 per 4 posts);
        // 10 published × 2 comments × (1 + 1 reply); 10 × 2 post likes + 20 comment likes;
        // 4 × 2 follows; 4 welcomes + 8 follow + 20 comment + 20 like notifications.
        let want = Seeded {
            users: 5,
            user_settings: 5,
            categories: 4,
            tags: 10,
            posts: 12,
            published_posts: 10,
            post_tags: 30,
            comments: 40,
            likes: 40,
            follows: 8,
            notifications: 52,
        };
        assert_eq!(seeded, want);
        let in_db = Seeded {
            users: User::count().exec(&db).await? as u64,
            user_settings: UserSettings::count().exec(&db).await? as u64,
            categories: Category::count().exec(&db).await? as u64,
            tags: Tag::count().exec(&db).await? as u64,
            posts: Post::count().exec(&db).await? as u64,
            published_posts: Post::count()
                .filter(Post::PUBLISHED.eq(true))
                .exec(&db)
                .await? as u64,
            post_tags: PostTag::count().exec(&db).await? as u64,
            comments: Comment::count().exec(&db).await? as u64,
            likes: Like::count().exec(&db).await? as u64,
            follows: Follow::count().exec(&db).await? as u64,
            notifications: Notification::count().exec(&db).await? as u64,
        };
        assert_eq!(in_db, want);
        assert_eq!(
            Comment::count()
                .filter(Comment::PARENT_ID.is_not_null())
                .exec(&db)
                .await?,
            20,
            "every top-level comment has one reply"
        );
        assert_eq!(
            Like::count()
                .filter(Like::COMMENT_ID.is_not_null())
                .exec(&db)
                .await?,
            20
        );
        let programming = Category::find_unique(Category::SLUG.eq("programming"))
            .include(Category::PARENT)
            .exec(&db)
            .await?
            .expect("programming");
        assert_eq!(
            programming.parent.get().map(|p| p.slug.as_str()),
            Some("technology")
        );
        let admin = User::find_unique(User::EMAIL.eq("admin@example.com"))
            .include(User::SETTINGS)
            .exec(&db)
            .await?
            .expect("admin");
        assert_eq!(admin.role, Role::Admin);
        assert_eq!(admin.settings.get().map(|s| s.theme), Some(Theme::Dark));

        // Seeding again replaces everything with identical rows.
        let before = Post::find_many()
            .order_by(Post::ID.asc())
            .include(Post::TAGS)
            .exec(&db)
            .await?;
        let again = seed::seed(&db, size).await?;
        assert_eq!(again, want);
        let after = Post::find_many()
            .order_by(Post::ID.asc())
            .include(Post::TAGS)
            .exec(&db)
            .await?;
        assert_eq!(before, after);
        assert_eq!(
            ids_of(&after),
            (1..=12).map(seed::post_id).collect::<Vec<_>>()
        );
        Ok(())
    }
);

fn ids_of(posts: &[Post]) -> Vec<String> {
    posts.iter().map(|p| p.id.clone()).collect()
}

backend_test!(
    user_with_stats_counts_settings_and_full_name,
    blog_models::schema(),
    |db: Client| async move {
        small_seed(&db).await?;
        let user1 = seed::user_id(1);
        for st in STRATEGIES {
            let service = DatabaseService::new(db.clone()).with_strategy(st);
            let (stats, n) = counted(&db, || service.user_with_stats(&user1)).await?;
            assert_eq!(n, if st == Strategy::Join { 1 } else { 2 }, "{st:?}");
            let stats = stats.expect("user 1");
            assert_eq!(stats.email, "user1@example.com");
            assert_eq!(stats.full_name, "User 1");
            assert_eq!(stats.role, Role::Moderator);
            assert_eq!(
                stats
                    .settings
                    .as_ref()
                    .map(|s| (s.theme, s.user_id.as_str())),
                Some((Theme::Dark, user1.as_str()))
            );
            // Posts 1, 5, 9 are user 1's; 5 is a draft. Users 3 and 4 follow user 1, who follows
            // users 2 and 3.
            assert_eq!(stats.counts.published_posts, 2);
            assert_eq!(stats.counts.followers, 2);
            assert_eq!(stats.counts.following, 2);
            let comments = Comment::count()
                .filter(Comment::AUTHOR_ID.eq(&user1))
                .exec(&db)
                .await?;
            let likes = Like::count()
                .filter(Like::USER_ID.eq(&user1))
                .exec(&db)
                .await?;
            assert!(comments > 0 && likes > 0);
            assert_eq!(
                (stats.counts.comments, stats.counts.likes),
                (comments, likes)
            );

            let admin = service
                .user_with_stats(&seed::user_id(0))
                .await?
                .expect("admin");
            assert_eq!(admin.full_name, "Admin User");
            assert_eq!(
                (
                    admin.counts.published_posts,
                    admin.counts.followers,
                    admin.counts.following
                ),
                (0, 0, 0)
            );
            assert_eq!(service.user_with_stats("nobody").await?, None);
        }

        // The computed full name falls back to the username, then to "Anonymous".
        let service = DatabaseService::new(db.clone());
        let handle_only = User::create(NewUser {
            email: "handle@example.com".into(),
            username: Some("handle".into()),
            name: Some(String::new()),
            ..Default::default()
        })
        .exec(&db)
        .await?;
        let anonymous = User::create(NewUser {
            email: "anon@example.com".into(),
            ..Default::default()
        })
        .exec(&db)
        .await?;
        assert_eq!(handle_only.full_name(), "handle");
        assert_eq!(anonymous.full_name(), "Anonymous");
        let stats = service.user_with_stats(&anonymous.id).await?.expect("anon");
        assert_eq!(stats.full_name, "Anonymous");
        assert_eq!(stats.settings, None);
        assert_eq!(stats.counts, Default::default());
        Ok(())
    }
);

backend_test!(
    posts_paginated_cursor_pages_cover_every_post_once,
    blog_models::schema(),
    |db: Client| async move {
        let (size, _) = small_seed(&db).await?;
        let published = expected_posts(&size, SeedSize::post_published);
        assert_eq!(published.len(), 10);
        let every = PostFilters::default();
        let mut by_strategy = Vec::new();
        for st in STRATEGIES {
            let service = DatabaseService::new(db.clone()).with_strategy(st);
            let mut pages = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let (page, n) = counted(&db, || {
                    service.posts_paginated(cursor.as_deref(), 3, &every)
                })
                .await?;
                assert_eq!(n, card_statements(st), "{st:?}: no N+1 per page");
                assert_eq!(page.has_next_page, page.next_cursor.is_some());
                if page.has_next_page {
                    assert_eq!(page.posts.len(), 3, "every page but the last is full");
                }
                cursor = page.next_cursor.clone();
                pages.push(page);
                if cursor.is_none() {
                    break;
                }
            }
            assert_eq!(pages.len(), 4, "10 posts in pages of 3");
            for w in pages.windows(2) {
                assert_eq!(
                    w[0].next_cursor.as_deref(),
                    Some(w[1].posts[0].id.as_str()),
                    "the next cursor is the next page's first post"
                );
            }
            let all: Vec<PostCard> = pages.into_iter().flat_map(|p| p.posts).collect();
            assert_eq!(
                ids(&all),
                published,
                "{st:?}: every published post exactly once, newest first, ties by id descending"
            );

            // What each card carries, checked against the seed's formulas.
            for card in &all {
                let k = post_number(&card.id);
                assert_eq!(card.author.id, card.author_id);
                assert_eq!(card.author_id, seed::user_id(size.post_author(k)));
                assert_eq!(
                    card.author.full_name,
                    format!("User {}", size.post_author(k))
                );
                assert_eq!(
                    card.category.as_ref().map(|c| c.slug.as_str()),
                    SeedSize::post_category(k)
                );
                let mut tags: Vec<&str> = SeedSize::post_tags(k).to_vec();
                tags.sort();
                assert_eq!(
                    card.tags
                        .iter()
                        .map(|t| t.slug.as_str())
                        .collect::<Vec<_>>(),
                    tags,
                    "tags by name"
                );
                assert_eq!(card.counts.comments, 4, "2 comments + 2 replies");
                assert_eq!(card.counts.likes, 2);
                assert!(card.published && !card.is_recent);
            }
            // One page of everything costs the same statements as a page of three.
            let (page, n) =
                counted(&db, || service.posts_paginated(None, MAX_PAGE_SIZE, &every)).await?;
            assert_eq!(n, card_statements(st));
            assert_eq!(page.posts, all);
            assert!(!page.has_next_page && page.next_cursor.is_none());
            by_strategy.push(all);
        }
        assert_eq!(by_strategy[0], by_strategy[1], "strategies agree");

        let service = DatabaseService::new(db.clone());
        let page_ids = |f: PostFilters| {
            let service = service.clone();
            async move {
                let page = service.posts_paginated(None, 50, &f).await?;
                assert!(!page.has_next_page);
                Ok::<_, Error>(ids(&page.posts))
            }
        };
        // By author (user 2 wrote posts 2, 6 and 10; 10 is a draft).
        assert_eq!(
            page_ids(PostFilters {
                author_id: Some(seed::user_id(2)),
                ..Default::default()
            })
            .await?,
            [seed::post_id(6), seed::post_id(2)]
        );
        // Drafts.
        assert_eq!(
            page_ids(PostFilters {
                published: Some(false),
                ..Default::default()
            })
            .await?,
            expected_posts(&size, |k| !SeedSize::post_published(k))
        );
        // By category.
        assert_eq!(
            page_ids(PostFilters {
                category_id: Some(seed::category_id("programming")),
                ..Default::default()
            })
            .await?,
            expected_posts(&size, |k| SeedSize::post_published(k)
                && SeedSize::post_category(k) == Some("programming"))
        );
        // Search: any case, in the title ...
        assert_eq!(
            page_ids(PostFilters {
                search: Some("SAMPLE post 1".into()),
                ..Default::default()
            })
            .await?,
            expected_posts(&size, |k| SeedSize::post_published(k)
                && [1, 10, 11, 12].contains(&k)),
            "titles 1, 10, 11, 12; 10 is a draft"
        );
        // ... in the excerpt, combined with other filters.
        assert_eq!(
            page_ids(PostFilters {
                search: Some("excerpt FOR POST 7".into()),
                author_id: Some(seed::user_id(3)),
                ..Default::default()
            })
            .await?,
            [seed::post_id(7)]
        );
        assert_eq!(
            page_ids(PostFilters {
                search: Some("excerpt for post 7".into()),
                author_id: Some(seed::user_id(1)),
                ..Default::default()
            })
            .await?,
            Vec::<String>::new()
        );

        // Cursor pagination under a filter; an unknown cursor gives an empty page; limit 0 is 1.
        let drafts = PostFilters {
            published: Some(false),
            ..Default::default()
        };
        let first = service.posts_paginated(None, 1, &drafts).await?;
        assert_eq!(ids(&first.posts), [seed::post_id(10)]);
        let second = service
            .posts_paginated(first.next_cursor.as_deref(), 1, &drafts)
            .await?;
        assert_eq!(ids(&second.posts), [seed::post_id(5)]);
        assert!(!second.has_next_page);
        let unknown = service
            .posts_paginated(Some("no-such-post"), 5, &PostFilters::default())
            .await?;
        assert!(unknown.posts.is_empty() && !unknown.has_next_page);
        let clamped = service
            .posts_paginated(None, 0, &PostFilters::default())
            .await?;
        assert_eq!(clamped.posts.len(), 1);
        assert!(clamped.has_next_page);
        Ok(())
    }
);

backend_test!(
    batch_create_notifications_skips_duplicates,
    blog_models::schema(),
    |db: Client| async move {
        small_seed(&db).await?;
        let service = DatabaseService::new(db.clone());
        let recipient = seed::user_id(2);
        let mine = || {
            Notification::count()
                .filter(Notification::RECIPIENT_ID.eq(&recipient))
                .exec(&db)
        };
        let before = mine().await?;
        let with_id = |id: &str, kind, title: &str| NotificationInput {
            id: Some(id.into()),
            ..NotificationInput::new(&recipient, kind, title, format!("{title}!"))
        };
        let batch = vec![
            with_id("batch-1", NotificationType::Mention, "Mentioned"),
            with_id("batch-2", NotificationType::System, "Maintenance"),
            NotificationInput::new(&recipient, NotificationType::Like, "Liked", "A like"),
        ];
        let (n, sent) = counted(&db, || service.batch_create_notifications(batch.clone())).await?;
        assert_eq!(n, 3);
        // One multi-row INSERT; MySQL/MariaDB's INSERT IGNORE also ignores what is not a duplicate
        // (a foreign-key violation, a value too long), so there it runs in a transaction and its
        // warnings are checked: BEGIN, INSERT, SHOW WARNINGS, COMMIT.
        let expected = if db.backend() == orm_runtime::sql::Backend::MySql {
            4
        } else {
            1
        };
        assert_eq!(sent, expected, "one multi-row INSERT");
        assert_eq!(mine().await?, before + 3);

        // A retried batch: the rows whose ids exist are skipped, the new one goes in.
        let retry = vec![
            with_id("batch-1", NotificationType::Mention, "Mentioned"),
            with_id("batch-2", NotificationType::System, "Maintenance"),
            with_id("batch-3", NotificationType::Follow, "Followed"),
        ];
        assert_eq!(service.batch_create_notifications(retry).await?, 1);
        assert_eq!(mine().await?, before + 4);
        let stored = Notification::find_unique(Notification::ID.eq("batch-1"))
            .exec(&db)
            .await?
            .expect("batch-1");
        assert_eq!(
            (
                stored.kind,
                stored.title.as_str(),
                stored.message.as_str(),
                stored.read,
                stored.sender_id
            ),
            (
                NotificationType::Mention,
                "Mentioned",
                "Mentioned!",
                false,
                None
            )
        );
        let (n, sent) = counted(&db, || service.batch_create_notifications(Vec::new())).await?;
        assert_eq!((n, sent), (0, 0), "an empty batch sends nothing");
        Ok(())
    }
);

backend_test!(
    popular_tags_counts_published_posts_typed_and_in_raw_sql_alike,
    blog_models::schema(),
    |db: Client| async move {
        small_seed(&db).await?;
        let service = DatabaseService::new(db.clone());
        let (tags, n) = counted(&db, || service.popular_tags(10)).await?;
        assert_eq!(n, 1);
        // Published posts take the first k0 % 4 + 1 tags: react on all 10, typescript on 8,
        // nextjs on 6, prisma on 3; tags on no published post are left out.
        let got: Vec<(&str, i64)> = tags
            .iter()
            .map(|t| (t.slug.as_str(), t.post_count))
            .collect();
        assert_eq!(
            got,
            [
                ("react", 10),
                ("typescript", 8),
                ("nextjs", 6),
                ("prisma", 3)
            ]
        );
        assert_eq!(tags[0].id, seed::tag_id("react"));
        assert_eq!(tags[0].name, "react");

        // The typed relation API agrees.
        let mut typed: Vec<(String, i64)> = Tag::find_many()
            .with_count(Tag::POSTS.filter(PostTag::POST.is(Post::PUBLISHED.eq(true))))
            .exec(&db)
            .await?
            .into_iter()
            .map(|t| (t.slug.clone(), t.posts.count().unwrap()))
            .filter(|(_, n)| *n > 0)
            .collect();
        typed.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        assert_eq!(
            typed,
            tags.iter()
                .map(|t| (t.slug.clone(), t.post_count))
                .collect::<Vec<_>>()
        );

        // The raw SQL version returns the same, in one statement too.
        let (raw, n) = counted(&db, || service.popular_tags_raw(10)).await?;
        assert_eq!(n, 1);
        assert_eq!(raw, tags);
        assert_eq!(
            service.popular_tags_raw(2).await?,
            service.popular_tags(2).await?
        );

        // Ties are broken by name.
        let top2 = service.popular_tags(2).await?;
        assert_eq!(
            top2.iter().map(|t| t.slug.as_str()).collect::<Vec<_>>(),
            ["react", "typescript"]
        );
        Post::update(Post::ID.eq(seed::post_id(4)))
            .set(Post::PUBLISHED, false)
            .exec(&db)
            .await?;
        // Post 4 carried all four tags: each loses one.
        let after: Vec<i64> = service
            .popular_tags(10)
            .await?
            .iter()
            .map(|t| t.post_count)
            .collect();
        assert_eq!(after, [9, 7, 5, 2]);
        assert_eq!(
            service.popular_tags_raw(10).await?,
            service.popular_tags(10).await?
        );
        Ok(())
    }
);

backend_test!(
    create_post_with_tags_returns_relations_and_rolls_back_on_error,
    blog_models::schema(),
    |db: Client| async move {
        small_seed(&db).await?;
        let service = DatabaseService::new(db.clone());
        let author = seed::user_id(3);
        let input = |title: &str| PostInput {
            title: title.into(),
            content: format!("All about {title}."),
            excerpt: Some("Short".into()),
            author_id: author.clone(),
            category_id: Some(seed::category_id("programming")),
        };

        let tags = [seed::tag_id("prisma"), seed::tag_id("docker")];
        let card = service
            .create_post_with_tags(input("Hello, Typed SQL!"), &tags)
            .await?;
        assert_eq!(card.slug, "hello-typed-sql");
        assert_eq!(card.title, "Hello, Typed SQL!");
        assert_eq!(card.author.id, author);
        assert_eq!(card.author.full_name, "User 3");
        assert_eq!(
            card.category.as_ref().map(|c| c.slug.as_str()),
            Some("programming")
        );
        assert_eq!(
            card.tags
                .iter()
                .map(|t| t.slug.as_str())
                .collect::<Vec<_>>(),
            ["docker", "prisma"]
        );
        assert_eq!(card.counts, Default::default());
        assert!(!card.published, "a new post is a draft");
        assert!(card.is_recent);
        // It is stored, and reads back identically.
        let drafts = service
            .posts_paginated(
                None,
                1,
                &PostFilters {
                    published: Some(false),
                    author_id: Some(author.clone()),
                    ..Default::default()
                },
            )
            .await?;
        assert_eq!(drafts.posts, std::slice::from_ref(&card));

        // No tags at all.
        let bare = service.create_post_with_tags(input("Bare"), &[]).await?;
        assert!(bare.tags.is_empty());

        // An unknown tag: the foreign-key error rolls the post back too.
        let posts = Post::count().exec(&db).await?;
        let links = PostTag::count().exec(&db).await?;
        let err = service
            .create_post_with_tags(
                input("Doomed"),
                &[seed::tag_id("react"), "tag_missing".to_string()],
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");
        assert_eq!(Post::count().exec(&db).await?, posts);
        assert_eq!(PostTag::count().exec(&db).await?, links);
        assert!(
            Post::find_unique(Post::SLUG.eq("doomed"))
                .exec(&db)
                .await?
                .is_none()
        );
        // A slug already taken is a unique violation, and nothing is linked.
        let err = service
            .create_post_with_tags(input("hello typed sql"), &tags)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::UniqueViolation { .. }), "{err:?}");
        assert_eq!(PostTag::count().exec(&db).await?, links);

        // Inside a transaction the service works on a savepoint: a failed call is undone alone,
        // the transaction goes on and commits what succeeded.
        let svc = service.clone();
        db.transaction(|tx| async move {
            let in_tx = svc.on(&tx);
            in_tx
                .create_post_with_tags(input("Kept"), &[seed::tag_id("aws")])
                .await?;
            let err = in_tx
                .create_post_with_tags(input("Undone"), &["tag_missing".to_string()])
                .await
                .unwrap_err();
            assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");
            let seen = in_tx.search_posts("all about", 10).await?;
            assert!(seen.is_empty(), "drafts are not searchable");
            Ok::<_, Error>(())
        })
        .await?;
        assert!(
            Post::find_unique(Post::SLUG.eq("kept"))
                .exec(&db)
                .await?
                .is_some()
        );
        assert!(
            Post::find_unique(Post::SLUG.eq("undone"))
                .exec(&db)
                .await?
                .is_none()
        );
        // An outer rollback undoes a successful call.
        let svc = service.clone();
        let aborted = db
            .transaction(|tx| async move {
                svc.on(&tx)
                    .create_post_with_tags(input("Aborted"), &[])
                    .await?;
                assert_eq!(
                    Post::count()
                        .filter(Post::SLUG.eq("aborted"))
                        .exec(&tx)
                        .await?,
                    1
                );
                Err::<(), _>(Error::InvalidQuery("abort".into()))
            })
            .await;
        assert!(matches!(aborted, Err(Error::InvalidQuery(_))));
        assert_eq!(
            Post::count()
                .filter(Post::SLUG.eq("aborted"))
                .exec(&db)
                .await?,
            0
        );
        Ok(())
    }
);

backend_test!(
    search_posts_ranks_published_matches_by_relevance,
    blog_models::schema(),
    |db: Client| async move {
        small_seed(&db).await?;
        let author = seed::user_id(1);
        let at = |h: i64| {
            use chrono::SubsecRound;
            (chrono::Utc::now() - chrono::Duration::hours(h)).trunc_subsecs(6)
        };
        let mk =
            |slug: &str, title: &str, content: &str, excerpt: &str, published: bool, h| NewPost {
                title: title.into(),
                content: content.into(),
                excerpt: Some(excerpt.into()),
                slug: slug.into(),
                published: Some(published),
                author_id: author.clone(),
                category_id: Some(seed::category_id("design")),
                created_at: Some(at(h)),
                ..Default::default()
            };
        let created = Post::create_many([
            mk(
                "in-title",
                "Rust Ownership Explained",
                "Borrowing.",
                "",
                true,
                3,
            ),
            mk(
                "in-content",
                "Memory",
                "All about OWNERSHIP rules.",
                "",
                true,
                2,
            ),
            mk("draft", "Ownership draft", "ownership", "", false, 1),
            mk("in-excerpt", "Lifetimes", "Scopes.", "ownership", true, 1),
            mk(
                "old",
                "ownership, the old way",
                "Historic.",
                "",
                true,
                24 * 30,
            ),
        ])
        .and_return()
        .exec(&db)
        .await?;
        PostTag::create_many(created.iter().map(|p| NewPostTag {
            post_id: p.id.clone(),
            tag_id: seed::tag_id("aws"),
        }))
        .exec(&db)
        .await?;
        let weighted = db.backend() != orm_runtime::sql::Backend::MySql;
        for st in STRATEGIES {
            let service = DatabaseService::new(db.clone()).with_strategy(st);
            let (hits, n) = counted(&db, || service.search_posts("oWnErShIp", 10)).await?;
            assert_eq!(n, card_statements(st), "{st:?}");
            let slugs: Vec<&str> = hits.iter().map(|p| p.slug.as_str()).collect();
            if weighted {
                // Title matches (weight A) before the content match; the excerpt is not indexed
                // and the draft is not published.
                assert_eq!(slugs, ["in-title", "old", "in-content"], "{st:?}");
                assert_eq!(
                    hits.iter().map(|p| p.is_recent).collect::<Vec<_>>(),
                    [true, false, true]
                );
            } else {
                // MySQL/MariaDB rank without weights.
                let mut sorted = slugs.clone();
                sorted.sort();
                assert_eq!(sorted, ["in-content", "in-title", "old"], "{st:?}");
            }
            assert!(hits.iter().all(|p| p.author.full_name == "User 1"));
            let top = service.search_posts("OWNERSHIP", 1).await?;
            assert_eq!(top.len(), 1);
            if weighted {
                assert_eq!(top[0].slug, "in-title");
            }
            // The web-search syntax: a phrase, an exclusion, OR.
            let slugs = |hits: Vec<blog_models::service::PostCard>| {
                let mut s: Vec<String> = hits.into_iter().map(|p| p.slug).collect();
                s.sort();
                s
            };
            assert_eq!(
                slugs(service.search_posts("\"ownership rules\"", 10).await?),
                ["in-content"]
            );
            assert_eq!(
                slugs(
                    service
                        .search_posts("ownership -rust -historic", 10)
                        .await?
                ),
                ["in-content"]
            );
            assert_eq!(
                slugs(service.search_posts("borrowing OR historic", 10).await?),
                ["in-title", "old"]
            );
        }
        // As search results: the same posts in the same order, scored, the matches marked.
        for st in STRATEGIES {
            let service = DatabaseService::new(db.clone()).with_strategy(st);
            let cards = service.search_posts("ownership", 10).await?;
            let hits = service.search_hits("ownership", 10).await?;
            assert_eq!(
                hits.iter().map(|h| h.slug.as_str()).collect::<Vec<_>>(),
                cards.iter().map(|c| c.slug.as_str()).collect::<Vec<_>>(),
                "{st:?}"
            );
            assert!(
                hits.windows(2).all(|w| w[0].score >= w[1].score),
                "{hits:?}"
            );
            assert!(hits.iter().all(|h| h.author.full_name == "User 1"));
            let in_content = hits.iter().find(|h| h.slug == "in-content").unwrap();
            if db.backend() == orm_runtime::sql::Backend::MySql {
                assert_eq!(in_content.excerpt_html, None, "no snippets on MySQL");
            } else {
                assert_eq!(
                    in_content
                        .excerpt_html
                        .as_ref()
                        .map(|s| s.to_html())
                        .as_deref(),
                    Some("All about <mark>OWNERSHIP</mark> rules."),
                    "{st:?}"
                );
            }
        }
        let service = DatabaseService::new(db.clone());
        // Seeded content, with counts: post 1 ("Sample Post 1", "the content for post 1. ..").
        let hits = service.search_posts("\"sample post 1\"", 10).await?;
        let first = hits
            .iter()
            .find(|p| p.id == seed::post_id(1))
            .expect("post 1 is found");
        assert_eq!((first.counts.comments, first.counts.likes), (4, 2));
        if weighted {
            // MySQL/MariaDB index no word shorter than 3 characters (`1`).
            assert_eq!(ids(&hits), [seed::post_id(1)]);
        }
        // Nothing to find: no post (and no error).
        for q in ["%", "_", "*", "\"", "-ownership", ""] {
            assert!(service.search_posts(q, 10).await?.is_empty(), "{q:?}");
        }
        assert!(service.search_posts("ownership", 0).await?.is_empty());
        Ok(())
    }
);

backend_test!(
    computed_is_recent_and_auto_included_post_reads,
    blog_models::schema(),
    |db: Client| async move {
        let (size, _) = small_seed(&db).await?;
        let service = DatabaseService::new(db.clone());
        let post = Post::find_unique_or_throw(Post::ID.eq(seed::post_id(1)))
            .exec(&db)
            .await?;
        let created = size.post_created_at(1);
        assert_eq!(post.created_at, created);
        assert!(!post.is_recent(), "seeded in 2024");
        assert!(post.is_recent_at(created + chrono::Duration::days(6)));
        assert!(!post.is_recent_at(created + chrono::Duration::days(8)));

        // The auto-including base query, refined like any other.
        let (posts, n) = counted(&db, || {
            service
                .post_cards()
                .filter(Post::FEATURED.eq(true))
                .order_by(Post::ID.asc())
                .exec(&db)
        })
        .await?;
        assert_eq!(n, card_statements(service.strategy()));
        assert_eq!(ids_of(&posts), [seed::post_id(1), seed::post_id(11)]);
        for p in &posts {
            assert!(p.author.is_loaded() && p.category.is_loaded() && p.tags.is_loaded());
            assert_eq!((p.comments.count(), p.likes.count()), (Some(4), Some(2)));
        }

        Ok(())
    }
);

backend_test_with_url!(
    the_slow_operation_log_only_logs,
    blog_models::schema(),
    |url: String, db: Client| async move {
        seed::seed(&db, SeedSize::small()).await?;
        // Every operation is "slow" past a zero threshold: logged, with results unchanged.
        let logged = ClientOptions::new(url)
            .hook(blog_models::SlowOperationLog::new(
                std::time::Duration::ZERO,
            ))
            .connect()
            .await?;
        let service = DatabaseService::new(db.clone());
        let with_log = DatabaseService::new(logged).popular_tags(3).await?;
        assert_eq!(with_log, service.popular_tags(3).await?);
        assert!(!with_log.is_empty());
        Ok(())
    }
);

#[test]
fn generate_slug_matches_the_seed() {
    assert_eq!(generate_slug("Hello, World!"), "hello-world");
    assert_eq!(generate_slug("  --Rust & SQL: 2024--  "), "rust-sql-2024");
    assert_eq!(generate_slug("Already-a-slug"), "already-a-slug");
    assert_eq!(generate_slug("Ünïcödé Tïtlé"), "n-c-d-t-tl");
    assert_eq!(generate_slug("!!!"), "");
    assert_eq!(generate_slug(""), "");
}

/// Compile-time check: the service's futures are `Send`, on a client and in a transaction, so they
/// can run in spawned tasks (web handlers).
#[allow(dead_code)]
fn service_futures_are_send(service: &DatabaseService, tx: &Transaction) {
    fn send<T: Send>(_: T) {}
    let filters = PostFilters::default();
    send(service.user_with_stats("id"));
    send(service.posts_paginated(None, 10, &filters));
    send(service.batch_create_notifications(Vec::new()));
    send(service.popular_tags(10));
    send(service.create_post_with_tags(PostInput::default(), &[]));
    send(service.search_posts("q", 10));
    send(seed::seed(service.db(), SeedSize::small()));
    let in_tx = service.on(tx);
    send(in_tx.posts_paginated(None, 10, &filters));
    send(in_tx.create_post_with_tags(PostInput::default(), &[]));
}

backend_test_with_url!(
    the_blog_client_auto_includes_post_authors_and_counts,
    blog_models::schema(),
    |url: String, db: Client| async move {
        seed::seed(&db, SeedSize::small()).await?;
        let blog = blog_models::connect(&url).await?;
        let posts = Post::find_many()
            .filter(Post::ID.eq(seed::post_id(1)))
            .exec(&blog)
            .await?;
        assert_eq!(posts.len(), 1);
        let p = &posts[0];
        assert!(p.author.is_loaded());
        assert_eq!((p.comments.count(), p.likes.count()), (Some(4), Some(2)));
        let plain = Post::find_many()
            .filter(Post::ID.eq(seed::post_id(1)))
            .unscoped()
            .exec(&blog)
            .await?;
        assert!(!plain[0].author.is_loaded() && plain[0].comments.count().is_none());
        Ok(())
    }
);
