//! Reads: find_unique / find_first / find_many / count, every filter operator, ordering, pagination.

use orm_runtime::prelude::*;
use orm_tests::backend_test;
use orm_tests::models::*;

async fn user(db: &Client, email: &str, name: Option<&str>) -> orm_runtime::Result<User> {
    User::create(NewUser {
        email: email.into(),
        name: name.map(Into::into),
        ..Default::default()
    })
    .exec(db)
    .await
}

async fn post(
    db: &Client,
    slug: &str,
    author: &str,
    views: i32,
    published: bool,
) -> orm_runtime::Result<Post> {
    Post::create(NewPost {
        title: format!("Title {slug}"),
        slug: slug.into(),
        excerpt: (views % 20 == 0).then(|| format!("excerpt {slug}")),
        published: Some(published),
        view_count: Some(views),
        author_id: author.into(),
        ..Default::default()
    })
    .exec(db)
    .await
}

backend_test!(
    create_fills_defaults_and_find_unique_reads_back,
    schema(),
    |db: Client| async move {
        let before = chrono::Utc::now() - chrono::Duration::seconds(5);
        let ada = user(&db, "ada@example.com", Some("Ada")).await?;
        assert_eq!(ada.id.len(), 24, "cuid2 ids are 24 characters");
        assert!(!ada.verified);
        assert_eq!(ada.role, Role::User);
        assert_eq!(ada.karma, 0);
        assert!(ada.created_at > before);
        assert_eq!(ada.created_at, ada.updated_at);
        assert_eq!(ada.last_login, None);

        let by_id = User::find_unique(User::ID.eq(&ada.id)).exec(&db).await?;
        assert_eq!(
            by_id.as_ref(),
            Some(&ada),
            "the created row equals the stored row"
        );
        let by_email = User::find_unique(User::EMAIL.eq("ada@example.com"))
            .exec(&db)
            .await?;
        assert_eq!(by_email, Some(ada.clone()));
        assert_eq!(
            User::find_unique(User::EMAIL.eq("nobody@example.com"))
                .exec(&db)
                .await?,
            None
        );

        match User::find_unique_or_throw(User::EMAIL.eq("nobody@example.com"))
            .exec(&db)
            .await
        {
            Err(Error::NotFound { model: "User" }) => {}
            other => panic!("expected NotFound, got {other:?}"),
        }
        // A unique filter narrowed by another condition.
        let narrowed = User::find_unique(User::ID.eq(&ada.id).and(User::VERIFIED.eq(true)))
            .exec(&db)
            .await?;
        assert_eq!(narrowed, None);
        Ok(())
    }
);

backend_test!(
    filters_cover_every_operator,
    schema(),
    |db: Client| async move {
        let a = user(&db, "a@x.io", Some("Alice")).await?;
        user(&db, "b@x.io", Some("bob")).await?;
        user(&db, "c@x.io", None).await?;
        for (i, slug) in ["rust-100%", "rust_async", "go-fast", "RUST-upper"]
            .iter()
            .enumerate()
        {
            post(&db, slug, &a.id, i as i32 * 10, i % 2 == 0).await?;
        }
        let slugs = |posts: Vec<Post>| {
            let mut s: Vec<String> = posts.into_iter().map(|p| p.slug).collect();
            s.sort();
            s
        };
        let q = |f: Filter<Post>| Post::find_many().filter(f).exec(&db);

        assert_eq!(slugs(q(Post::VIEW_COUNT.eq(10)).await?), ["rust_async"]);
        assert_eq!(
            slugs(q(Post::VIEW_COUNT.ne(10)).await?),
            ["RUST-upper", "go-fast", "rust-100%"]
        );
        assert_eq!(slugs(q(Post::VIEW_COUNT.lt(10)).await?), ["rust-100%"]);
        assert_eq!(
            slugs(q(Post::VIEW_COUNT.lte(10)).await?),
            ["rust-100%", "rust_async"]
        );
        assert_eq!(slugs(q(Post::VIEW_COUNT.gt(20)).await?), ["RUST-upper"]);
        assert_eq!(
            slugs(q(Post::VIEW_COUNT.gte(20)).await?),
            ["RUST-upper", "go-fast"]
        );
        assert_eq!(
            slugs(q(Post::VIEW_COUNT.in_([0, 30])).await?),
            ["RUST-upper", "rust-100%"]
        );
        assert_eq!(
            slugs(q(Post::VIEW_COUNT.not_in([0, 30])).await?),
            ["go-fast", "rust_async"]
        );
        assert!(
            q(Post::VIEW_COUNT.in_(Vec::<i32>::new())).await?.is_empty(),
            "empty IN matches nothing"
        );
        assert_eq!(
            q(Post::VIEW_COUNT.not_in(Vec::<i32>::new())).await?.len(),
            4,
            "empty NOT IN matches all"
        );
        assert_eq!(
            slugs(q(Post::EXCERPT.is_null()).await?),
            ["RUST-upper", "rust_async"]
        );
        assert_eq!(
            slugs(q(Post::EXCERPT.is_not_null()).await?),
            ["go-fast", "rust-100%"]
        );
        assert_eq!(
            slugs(q(Post::EXCERPT.eq(None)).await?),
            ["RUST-upper", "rust_async"],
            "eq(None) is IS NULL"
        );

        // Text matching is literal (no wildcards) and case-sensitive unless asked otherwise.
        assert_eq!(
            slugs(q(Post::SLUG.contains("rust")).await?),
            ["rust-100%", "rust_async"]
        );
        assert_eq!(
            slugs(q(Post::SLUG.contains("rust").insensitive()).await?),
            ["RUST-upper", "rust-100%", "rust_async"]
        );
        assert_eq!(slugs(q(Post::SLUG.contains("100%")).await?), ["rust-100%"]);
        assert!(
            q(Post::SLUG.contains("t_a").insensitive()).await?.len() == 1,
            "`_` is not a wildcard"
        );
        assert!(
            q(Post::SLUG.contains("%")).await?.len() == 1,
            "`%` is not a wildcard"
        );
        assert_eq!(slugs(q(Post::SLUG.starts_with("go")).await?), ["go-fast"]);
        assert_eq!(
            slugs(q(Post::SLUG.ends_with("UPPER").insensitive()).await?),
            ["RUST-upper"]
        );
        assert!(q(Post::SLUG.ends_with("UPPER")).await?.is_empty());
        assert_eq!(
            slugs(q(Post::SLUG.eq("rust-UPPER").insensitive()).await?),
            ["RUST-upper"]
        );

        // Composition.
        assert_eq!(
            slugs(q(Post::PUBLISHED.eq(true) & Post::VIEW_COUNT.gt(0)).await?),
            ["go-fast"]
        );
        assert_eq!(
            slugs(q(Post::SLUG.eq("go-fast") | Post::VIEW_COUNT.eq(30)).await?),
            ["RUST-upper", "go-fast"]
        );
        assert_eq!(
            slugs(q(!Post::PUBLISHED.eq(true)).await?),
            ["RUST-upper", "rust_async"]
        );
        assert_eq!(q(Filter::or_any([])).await?.len(), 0);
        assert_eq!(q(Filter::and_all([])).await?.len(), 4);

        // The seed's optional-filter pattern: absent filters are skipped.
        let author: Option<&str> = Some(&a.id);
        let search: Option<&str> = None;
        let f = Post::PUBLISHED.eq(true)
            & author.map(|id| Post::AUTHOR_ID.eq(id))
            & search.map(|s| (Post::TITLE.contains(s) | Post::EXCERPT.contains(s)).insensitive());
        assert_eq!(slugs(q(f).await?), ["go-fast", "rust-100%"]);

        // Nullable text columns and case-insensitive OR search (the seed's getPostsPaginated).
        let users = User::find_many()
            .filter(User::NAME.contains("ali").insensitive())
            .exec(&db)
            .await?;
        assert_eq!(users.len(), 1);
        assert_eq!(
            User::count().filter(User::NAME.is_null()).exec(&db).await?,
            1
        );
        assert_eq!(User::count().exec(&db).await?, 3);
        Ok(())
    }
);

backend_test!(
    order_skip_take_distinct_and_find_first,
    schema(),
    |db: Client| async move {
        let a = user(&db, "a@x.io", None).await?;
        let b = user(&db, "b@x.io", None).await?;
        for (i, author) in [&a.id, &b.id, &a.id, &b.id, &a.id].iter().enumerate() {
            post(&db, &format!("p{i}"), author, (i as i32 % 3) * 5, true).await?;
        }
        let order: Vec<(i32, String)> = Post::find_many()
            .order_by(Post::VIEW_COUNT.desc())
            .order_by(Post::SLUG)
            .exec(&db)
            .await?
            .into_iter()
            .map(|p| (p.view_count, p.slug))
            .collect();
        assert_eq!(
            order,
            [
                (10, "p2".into()),
                (5, "p1".into()),
                (5, "p4".into()),
                (0, "p0".into()),
                (0, "p3".into())
            ]
        );
        let page: Vec<String> = Post::find_many()
            .order_by(Post::SLUG.asc())
            .skip(1)
            .take(2)
            .exec(&db)
            .await?
            .into_iter()
            .map(|p| p.slug)
            .collect();
        assert_eq!(page, ["p1", "p2"]);
        let tail: Vec<String> = Post::find_many()
            .order_by(Post::SLUG.asc())
            .skip(3)
            .exec(&db)
            .await?
            .into_iter()
            .map(|p| p.slug)
            .collect();
        assert_eq!(tail, ["p3", "p4"], "skip without take");
        assert!(Post::find_many().take(0).exec(&db).await?.is_empty());

        // Nulls ordering is explicit and identical on every backend.
        let excerpts: Vec<Option<String>> = Post::find_many()
            .order_by(Post::EXCERPT.asc().nulls_first())
            .order_by(Post::SLUG)
            .exec(&db)
            .await?
            .into_iter()
            .map(|p| p.excerpt)
            .collect();
        assert_eq!(excerpts[0], None);
        assert_eq!(excerpts[1], None);
        let last: Vec<Option<String>> = Post::find_many()
            .order_by(Post::EXCERPT.desc().nulls_last())
            .exec(&db)
            .await?
            .into_iter()
            .map(|p| p.excerpt)
            .collect();
        assert_eq!(last.last(), Some(&None));
        assert!(last[0].is_some());

        // distinct keeps the first row of each group in the query's order.
        let firsts = Post::find_many()
            .distinct(Post::AUTHOR_ID)
            .order_by(Post::SLUG.desc())
            .exec(&db)
            .await?;
        let mut got: Vec<String> = firsts.into_iter().map(|p| p.slug).collect();
        got.sort();
        assert_eq!(got, ["p3", "p4"]);
        assert_eq!(Post::count().distinct(Post::AUTHOR_ID).exec(&db).await?, 2);

        let first = Post::find_first()
            .filter(Post::AUTHOR_ID.eq(&b.id))
            .order_by(Post::SLUG.desc())
            .exec(&db)
            .await?;
        assert_eq!(first.map(|p| p.slug), Some("p3".into()));
        assert!(matches!(
            Post::find_first()
                .filter(Post::SLUG.eq("zzz"))
                .exec_or_throw(&db)
                .await,
            Err(Error::NotFound { model: "Post" })
        ));
        assert_eq!(
            Post::find_many()
                .filter(Post::VIEW_COUNT.gt(0))
                .take(1)
                .count(&db)
                .await?,
            1
        );
        Ok(())
    }
);

backend_test!(
    cursor_pagination_is_stable_with_repeated_order_keys,
    schema(),
    |db: Client| async move {
        let a = user(&db, "a@x.io", None).await?;
        // 25 posts whose order key repeats: only 3 distinct view counts.
        for i in 0..25 {
            post(&db, &format!("s{i:02}"), &a.id, i % 3, true).await?;
        }
        let mut seen = Vec::new();
        let mut cursor: Option<i64> = None;
        let limit = 7u64;
        loop {
            let mut page = Post::find_many()
                .filter(Post::PUBLISHED.eq(true))
                .order_by(Post::VIEW_COUNT.desc())
                .cursor(cursor.map(|c| Post::ID.eq(c)))
                .take(limit + 1)
                .exec(&db)
                .await?;
            let next = if page.len() as u64 > limit {
                page.pop().map(|p| p.id)
            } else {
                None
            };
            seen.extend(page.into_iter().map(|p| (p.view_count, p.id)));
            match next {
                Some(n) => cursor = Some(n),
                None => break,
            }
        }
        assert_eq!(seen.len(), 25, "every row exactly once");
        let mut ids: Vec<i64> = seen.iter().map(|(_, id)| *id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 25, "no row twice");
        assert!(
            seen.windows(2)
                .all(|w| w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 > w[1].1)),
            "ordered by views desc, then id in the same direction"
        );
        Ok(())
    }
);

backend_test!(
    a_find_sends_one_statement,
    schema(),
    |db: Client| async move {
        let a = user(&db, "a@x.io", None).await?;
        let before = db.statements_sent();
        let _ = Post::find_many()
            .filter(Post::AUTHOR_ID.eq(&a.id))
            .order_by(Post::ID)
            .take(10)
            .exec(&db)
            .await?;
        let _ = User::find_unique(User::EMAIL.eq("a@x.io"))
            .exec(&db)
            .await?;
        assert_eq!(db.statements_sent() - before, 2);
        Ok(())
    }
);
