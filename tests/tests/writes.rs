//! Writes, transactions, errors, raw SQL and column types on every backend.

use orm_runtime::prelude::*;
use orm_tests::models::*;
use orm_tests::{backend_test, backend_test_with_url};

async fn user(db: &impl orm_runtime::Executor, email: &str) -> orm_runtime::Result<User> {
    User::create(NewUser {
        email: email.into(),
        ..Default::default()
    })
    .exec(db)
    .await
}

fn new_post(slug: &str, author: &str) -> NewPost {
    NewPost {
        title: slug.to_uppercase(),
        slug: slug.into(),
        author_id: author.into(),
        ..Default::default()
    }
}

backend_test!(
    update_sets_and_applies_atomic_arithmetic,
    schema(),
    |db: Client| async move {
        let u = user(&db, "a@x.io").await?;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let changed = User::update(User::ID.eq(&u.id))
            .data(UserUpdate {
                name: Patch::set("Ada".to_string()),
                karma: Patch::increment(5),
                ..Default::default()
            })
            .exec(&db)
            .await?;
        assert_eq!(changed.name.as_deref(), Some("Ada"));
        assert_eq!(changed.karma, 5);
        assert!(
            changed.updated_at > u.updated_at,
            "updated_at moves on every update"
        );
        assert_eq!(changed.created_at, u.created_at);
        let p = Post::create(NewPost {
            view_count: Some(10),
            score: Some(3.0),
            ..new_post("p", &u.id)
        })
        .exec(&db)
        .await?;
        let p = Post::update(Post::ID.eq(p.id))
            .decrement(Post::VIEW_COUNT, 4)
            .multiply(Post::SCORE, 2.5)
            .exec(&db)
            .await?;
        assert_eq!((p.view_count, p.score), (6, 7.5));
        let p = Post::update(Post::ID.eq(p.id))
            .divide(Post::VIEW_COUNT, 4)
            .exec(&db)
            .await?;
        assert_eq!(p.view_count, 1, "integer division on integer columns");
        // Changing the key the row is found by still returns the row.
        let renamed = User::update(User::EMAIL.eq("a@x.io"))
            .set(User::EMAIL, "b@x.io")
            .exec(&db)
            .await?;
        assert_eq!(renamed.email, "b@x.io");
        assert_eq!(renamed.id, u.id);
        // Setting a nullable column to NULL.
        let cleared = User::update(User::ID.eq(&u.id))
            .set(User::NAME, None)
            .exec(&db)
            .await?;
        assert_eq!(cleared.name, None);
        match User::update(User::ID.eq("missing"))
            .set(User::KARMA, 1)
            .exec(&db)
            .await
        {
            Err(Error::NotFound { model: "User" }) => {}
            other => panic!("expected NotFound, got {other:?}"),
        }
        user(&db, "c@x.io").await?;
        let n = User::update_many()
            .filter(User::KARMA.lt(100))
            .increment(User::KARMA, 1)
            .exec(&db)
            .await?;
        assert_eq!(n, 2);
        assert_eq!(User::count().filter(User::KARMA.gte(1)).exec(&db).await?, 2);
        Ok(())
    }
);

backend_test!(
    create_many_chunks_skips_duplicates_and_returns_rows,
    schema(),
    |db: Client| async move {
        let u = user(&db, "a@x.io").await?;
        // 5 000 rows × 8 bound columns exceeds SQLite's 32 766 bind limit: sent in several statements.
        let rows: Vec<NewPost> = (0..5000)
            .map(|i| new_post(&format!("bulk-{i}"), &u.id))
            .collect();
        assert_eq!(Post::create_many(rows).exec(&db).await?, 5000);
        assert_eq!(Post::count().exec(&db).await?, 5000);

        let dupes = vec![new_post("bulk-1", &u.id), new_post("fresh", &u.id)];
        assert!(matches!(
            Post::create_many(dupes.clone()).exec(&db).await,
            Err(Error::UniqueViolation { .. })
        ));
        assert_eq!(
            Post::count().exec(&db).await?,
            5000,
            "a failed create_many inserts nothing"
        );
        assert_eq!(
            Post::create_many(dupes).skip_duplicates().exec(&db).await?,
            1
        );

        let back = Post::create_many(vec![new_post("r1", &u.id), new_post("r2", &u.id)])
            .and_return()
            .exec(&db)
            .await?;
        assert_eq!(
            back.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>(),
            ["r1", "r2"]
        );
        assert!(
            back[0].id > 0 && back[1].id > back[0].id,
            "auto-increment ids come back"
        );
        assert_eq!(
            Post::find_unique(Post::SLUG.eq("r2")).exec(&db).await?,
            Some(back[1].clone())
        );
        Ok(())
    }
);

backend_test!(upsert_single_and_bulk, schema(), |db: Client| async move {
    let make = |name: &str| NewUser {
        email: "u@x.io".into(),
        name: Some(name.into()),
        ..Default::default()
    };
    let created = User::upsert(User::EMAIL.eq("u@x.io"), make("first"))
        .increment(User::KARMA, 1)
        .exec(&db)
        .await?;
    assert_eq!(
        (created.name.as_deref(), created.karma),
        (Some("first"), 0),
        "created: no update applied"
    );
    let updated = User::upsert(User::EMAIL.eq("u@x.io"), make("second"))
        .increment(User::KARMA, 1)
        .exec(&db)
        .await?;
    assert_eq!(
        (updated.name.as_deref(), updated.karma),
        (Some("first"), 1),
        "existing: only the update applied"
    );
    assert_eq!(updated.id, created.id);
    assert!(matches!(
        User::upsert(User::EMAIL.eq("other@x.io"), make("x"))
            .exec(&db)
            .await,
        Err(Error::InvalidQuery(_))
    ));

    let tags = |w: i16| {
        vec![
            NewPostTag {
                post_id: 1,
                tag: "a".into(),
                weight: Some(w),
            },
            NewPostTag {
                post_id: 1,
                tag: "b".into(),
                weight: Some(w),
            },
        ]
    };
    PostTag::create_many(tags(1))
        .upsert_on(PostTag::POST_ID_TAG)
        .exec(&db)
        .await?;
    PostTag::create_many(tags(7))
        .upsert_on(PostTag::POST_ID_TAG)
        .exec(&db)
        .await?;
    let all = PostTag::find_many()
        .order_by(PostTag::TAG)
        .exec(&db)
        .await?;
    assert_eq!(
        all.iter()
            .map(|t| (t.tag.as_str(), t.weight))
            .collect::<Vec<_>>(),
        [("a", 7), ("b", 7)]
    );
    let one = PostTag::find_unique(PostTag::POST_ID_TAG.eq((1, "b")))
        .exec(&db)
        .await?;
    assert_eq!(one.map(|t| t.weight), Some(7));
    Ok(())
});

backend_test!(delete_and_delete_many, schema(), |db: Client| async move {
    let a = user(&db, "a@x.io").await?;
    user(&db, "b@x.io").await?;
    user(&db, "c@x.io").await?;
    let gone = User::delete(User::EMAIL.eq("a@x.io")).exec(&db).await?;
    assert_eq!(gone, a);
    assert!(matches!(
        User::delete(User::EMAIL.eq("a@x.io")).exec(&db).await,
        Err(Error::NotFound { model: "User" })
    ));
    assert_eq!(
        User::delete_many()
            .filter(User::EMAIL.ends_with("@x.io"))
            .exec(&db)
            .await?,
        2
    );
    assert_eq!(User::count().exec(&db).await?, 0);
    PostTag::create(NewPostTag {
        post_id: 9,
        tag: "t".into(),
        weight: None,
    })
    .exec(&db)
    .await?;
    let t = PostTag::delete(PostTag::POST_ID_TAG.eq((9, "t")))
        .exec(&db)
        .await?;
    assert_eq!(t.weight, 1);
    Ok(())
});

backend_test!(
    constraint_errors_are_typed,
    schema(),
    |db: Client| async move {
        let u = user(&db, "a@x.io").await?;
        match user(&db, "a@x.io").await {
            Err(Error::UniqueViolation {
                model: Some("User"),
                fields,
                ..
            }) => assert_eq!(fields, ["email"]),
            other => panic!("expected UniqueViolation on email, got {other:?}"),
        }
        Like::create(NewLike {
            id: None,
            user_id: u.id.clone(),
            post_id: Some(1),
        })
        .exec(&db)
        .await?;
        match Like::create(NewLike {
            id: None,
            user_id: u.id.clone(),
            post_id: Some(1),
        })
        .exec(&db)
        .await
        {
            Err(Error::UniqueViolation {
                model: Some("Like"),
                fields,
                ..
            }) => assert_eq!(fields, ["user_id", "post_id"]),
            other => panic!("expected UniqueViolation on (user_id, post_id), got {other:?}"),
        }
        match sql!("INSERT INTO posts (title, slug, author_id) VALUES (NULL, {\"s\"}, {&u.id})")
            .execute(&db)
            .await
        {
            Err(Error::NullViolation { column, .. }) => {
                assert_eq!(column.as_deref(), Some("title"))
            }
            other => panic!("expected NullViolation, got {other:?}"),
        }
        Ok(())
    }
);

backend_test!(
    transactions_commit_roll_back_and_nest,
    schema(),
    |db: Client| async move {
        // Closure: Ok commits.
        db.transaction(|tx| async move {
            user(&tx, "kept@x.io").await?;
            Ok::<_, Error>(())
        })
        .await?;
        // Closure: Err rolls back everything it did.
        let r: Result<(), Error> = db
            .transaction(|tx| async move {
                user(&tx, "lost@x.io").await?;
                user(&tx, "kept@x.io").await?; // unique violation
                Ok(())
            })
            .await;
        assert!(matches!(r, Err(Error::UniqueViolation { .. })));
        assert_eq!(User::count().exec(&db).await?, 1);

        // A panic inside the closure rolls back.
        let db2 = db.clone();
        let joined = tokio::spawn(async move {
            let _: Result<(), Error> = db2
                .transaction(|tx| async move {
                    user(&tx, "panic@x.io").await?;
                    panic!("boom");
                })
                .await;
        })
        .await;
        assert!(joined.is_err(), "the task panicked");
        assert!(
            User::find_unique(User::EMAIL.eq("panic@x.io"))
                .exec(&db)
                .await?
                .is_none()
        );

        // Explicit handle: dropped without commit rolls back; commit keeps.
        {
            let tx = db.begin().await?;
            user(&tx, "dropped@x.io").await?;
        }
        assert!(
            User::find_unique(User::EMAIL.eq("dropped@x.io"))
                .exec(&db)
                .await?
                .is_none()
        );
        let tx = db.begin_with(IsolationLevel::Serializable).await?;
        user(&tx, "explicit@x.io").await?;
        // Nested: a failed savepoint is undone alone.
        let inner: Result<(), Error> = tx
            .transaction(|sp| async move {
                user(&sp, "nested@x.io").await?;
                Err(Error::InvalidQuery("undo the savepoint".into()))
            })
            .await;
        assert!(inner.is_err());
        let sp = tx.begin().await?;
        user(&sp, "nested-kept@x.io").await?;
        sp.commit().await?;
        {
            let sp = tx.begin().await?;
            user(&sp, "nested-dropped@x.io").await?;
        }
        tx.commit().await?;
        let mut emails: Vec<String> = User::find_many()
            .exec(&db)
            .await?
            .into_iter()
            .map(|u| u.email)
            .collect();
        emails.sort();
        assert_eq!(emails, ["explicit@x.io", "kept@x.io", "nested-kept@x.io"]);
        Ok(())
    }
);

#[derive(FromRow, Debug, PartialEq)]
struct Tally {
    author_id: String,
    #[orm(column = "n")]
    posts: i64,
}

backend_test!(
    raw_sql_binds_values_and_decodes_rows,
    schema(),
    |db: Client| async move {
        let u = user(&db, "a@x.io").await?;
        Post::create_many((0..3).map(|i| new_post(&format!("s{i}"), &u.id)))
            .exec(&db)
            .await?;
        let hostile = "x'); DROP TABLE posts; --";
        let n: Vec<(i64,)> = sql!("SELECT COUNT(*) FROM posts WHERE slug <> {hostile}")
            .fetch_all(&db)
            .await?;
        assert_eq!(n, [(3,)]);
        let limit = 10_i64;
        let tallies: Vec<Tally> =
        sql!("SELECT author_id, COUNT(*) AS n FROM posts GROUP BY author_id ORDER BY n DESC LIMIT {limit}").fetch_all(&db).await?;
        assert_eq!(
            tallies,
            [Tally {
                author_id: u.id.clone(),
                posts: 3
            }]
        );
        let posts: Vec<Post> = sql!("SELECT id, title, slug, excerpt, published, view_count, score, author_id, created_at FROM posts WHERE slug = {\"s1\"}")
        .fetch_all(&db)
        .await?;
        assert_eq!(posts.len(), 1);
        assert_eq!(
            sql!("UPDATE posts SET view_count = {7} WHERE author_id = {&u.id}")
                .execute(&db)
                .await?,
            3
        );
        assert_eq!(
            Post::count()
                .filter(Post::VIEW_COUNT.eq(7))
                .exec(&db)
                .await?,
            3
        );
        Ok(())
    }
);

backend_test!(
    every_column_type_round_trips,
    schema(),
    |db: Client| async move {
        use chrono::{NaiveDate, NaiveTime};
        use rust_decimal::Decimal;
        let sample = NewSample {
            id: None,
            price: "12345.678901".parse::<Decimal>().unwrap(),
            data: serde_json::json!({"a": [1, 2, {"b": null}], "s": "ü"}),
            meta: Some(Json(Meta {
                source: "web".into(),
                tags: vec!["x".into()],
                big: i64::MAX,
            })),
            bytes: vec![0, 1, 2, 255],
            day: NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
            at: NaiveTime::from_hms_micro_opt(23, 59, 58, 123_456).unwrap(),
            local: NaiveDate::from_ymd_opt(1999, 12, 31)
                .unwrap()
                .and_hms_micro_opt(1, 2, 3, 4)
                .unwrap(),
            small: -32768,
            big: i64::MIN,
            ratio: 0.25,
            other: Some(uuid::Uuid::new_v4()),
            role: Some(Role::Moderator),
            body: "long text ".repeat(100),
            label: "labelled".into(),
        };
        let created = Sample::create(sample.clone()).exec(&db).await?;
        assert_eq!(created.id.get_version_num(), 7);
        let read = Sample::find_unique(Sample::ID.eq(created.id))
            .exec(&db)
            .await?
            .expect("stored");
        assert_eq!(read, created);
        assert_eq!(read.price, sample.price);
        assert_eq!(read.meta, sample.meta);
        assert_eq!(read.role, Some(Role::Moderator));
        let none = Sample::create(NewSample {
            meta: None,
            other: None,
            role: None,
            ..sample
        })
        .exec(&db)
        .await?;
        assert_eq!((none.meta, none.other, none.role), (None, None, None));
        assert_eq!(
            Sample::count()
                .filter(Sample::ROLE.eq(Role::Moderator))
                .exec(&db)
                .await?,
            1
        );
        assert_eq!(
            Sample::count()
                .filter(Sample::LABEL.eq("labelled"))
                .exec(&db)
                .await?,
            2
        );
        Ok(())
    }
);

backend_test!(
    skip_duplicates_skips_only_duplicates,
    blog_models::schema(),
    |db: Client| async move {
        use blog_models::models::{NewPost, Post};
        use blog_models::seed;
        seed::seed(&db, seed::SeedSize::small()).await?;
        let before = Post::count().exec(&db).await?;
        let existing = Post::find_first().exec(&db).await?.expect("a seeded post");
        let post = |slug: &str, author: &str| NewPost {
            title: slug.into(),
            content: "body".into(),
            slug: slug.into(),
            author_id: author.into(),
            ..Default::default()
        };
        // A duplicate slug is skipped; a row whose author does not exist is not a duplicate: the
        // batch fails (MySQL's INSERT IGNORE would have dropped it silently) and keeps nothing.
        let err = Post::create_many([
            post(&existing.slug, &existing.author_id),
            post("fresh-one", &existing.author_id),
            post("orphan", "no-such-user"),
        ])
        .skip_duplicates()
        .exec(&db)
        .await
        .unwrap_err();
        assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");
        assert_eq!(Post::count().exec(&db).await?, before);
        // Duplicates alone are skipped and counted out.
        let n = Post::create_many([
            post(&existing.slug, &existing.author_id),
            post("fresh-one", &existing.author_id),
        ])
        .skip_duplicates()
        .exec(&db)
        .await?;
        assert_eq!(n, 1);
        assert_eq!(Post::count().exec(&db).await?, before + 1);
        // The same through `and_return`, which inserts row by row on MySQL.
        let err = Post::create_many([
            post("fresh-two", &existing.author_id),
            post("orphan", "no-such-user"),
        ])
        .skip_duplicates()
        .and_return()
        .exec(&db)
        .await
        .unwrap_err();
        assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");
        assert_eq!(Post::count().exec(&db).await?, before + 1);
        Ok(())
    }
);

backend_test!(
    long_in_lists_compare_text_exactly,
    schema(),
    |db: Client| async move {
        for email in ["pad", "pad "] {
            user(&db, email).await?;
        }
        // Over 1 000 values the list is bound as one document (JSON on MySQL and SQLite): it
        // must compare as exactly as a short list, trailing spaces included.
        let mut list: Vec<String> = (0..1500).map(|i| format!("filler-{i}")).collect();
        list.push("pad".into());
        let found = User::find_many()
            .filter(User::EMAIL.in_(list.clone()))
            .exec(&db)
            .await?;
        assert_eq!(
            found.iter().map(|u| u.email.as_str()).collect::<Vec<_>>(),
            ["pad"]
        );
        let rest = User::count()
            .filter(User::EMAIL.not_in(list))
            .exec(&db)
            .await?;
        assert_eq!(rest, 1, "only \"pad \" is outside the list");
        Ok(())
    }
);

backend_test!(
    upsert_conflicting_on_another_key_touches_nothing,
    schema(),
    |db: Client| async move {
        let a = User::create(NewUser {
            email: "a@x.io".into(),
            username: Some("ua".into()),
            name: Some("A".into()),
            ..Default::default()
        })
        .exec(&db)
        .await?;
        let unchanged = |u: Option<User>| {
            let u = u.expect("the row is still there");
            assert_eq!((u.email.as_str(), u.name.as_deref()), ("a@x.io", Some("A")));
        };
        // By e-mail, but the new row's username (or id) is another row's: a unique violation on
        // every backend — MySQL's ON DUPLICATE KEY UPDATE would otherwise have updated that row.
        for new in [
            NewUser {
                email: "c@x.io".into(),
                username: Some("ua".into()),
                name: Some("C".into()),
                ..Default::default()
            },
            NewUser {
                id: Some(a.id.clone()),
                email: "c@x.io".into(),
                name: Some("C".into()),
                ..Default::default()
            },
        ] {
            let err = User::upsert(User::EMAIL.eq("c@x.io"), new.clone())
                .set(User::NAME, Some("C".to_string()))
                .exec(&db)
                .await
                .unwrap_err();
            assert!(matches!(err, Error::UniqueViolation { .. }), "{err:?}");
            unchanged(User::find_unique(User::ID.eq(&a.id)).exec(&db).await?);
            let err = User::create_many([new])
                .upsert_on(User::EMAIL)
                .exec(&db)
                .await
                .unwrap_err();
            assert!(matches!(err, Error::UniqueViolation { .. }), "{err:?}");
            unchanged(User::find_unique(User::ID.eq(&a.id)).exec(&db).await?);
        }
        assert_eq!(User::count().exec(&db).await?, 1);
        // The upsert still updates the row its key names.
        let b = User::upsert(
            User::EMAIL.eq("a@x.io"),
            NewUser {
                email: "a@x.io".into(),
                ..Default::default()
            },
        )
        .set(User::NAME, Some("A2".to_string()))
        .exec(&db)
        .await?;
        assert_eq!((b.id, b.name.as_deref()), (a.id, Some("A2")));
        Ok(())
    }
);

backend_test_with_url!(
    a_failed_statement_leaves_no_stale_reads,
    blog_models::schema(),
    |url: String, db: Client| async move {
        use blog_models::models::{NewPost, Post};
        use blog_models::seed;
        seed::seed(&db, seed::SeedSize::small()).await?;
        let other = Client::connect(&url).await?;
        let author = Post::find_first()
            .exec(&db)
            .await?
            .expect("a seeded post")
            .author_id;
        let post = |slug: String, author: &str| NewPost {
            title: slug.clone(),
            content: "body".into(),
            slug,
            author_id: author.into(),
            ..Default::default()
        };
        // After a write that fails (here on a foreign key), every read on every pooled connection
        // sees what was committed since: SQLite kept the failed statement's snapshot open.
        for i in 0..10 {
            let before = Post::count().exec(&db).await?;
            let err = Post::create_many([
                post(format!("kept-out-{i}"), &author),
                post(format!("orphan-{i}"), "no-such-user"),
            ])
            .skip_duplicates()
            .exec(&db)
            .await
            .unwrap_err();
            assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");
            let n = Post::create_many([post(format!("fresh-{i}"), &author)])
                .exec(&db)
                .await?;
            assert_eq!(n, 1);
            for _ in 0..4 {
                assert_eq!(Post::count().exec(&db).await?, before + 1, "iteration {i}");
            }
            assert_eq!(
                Post::count().exec(&other).await?,
                before + 1,
                "iteration {i}"
            );
        }
        Ok(())
    }
);
