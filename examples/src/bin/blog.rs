//! The blog application on an embedded SQLite database (or any URL in `DATABASE_URL`): creates the
//! schema, seeds the seed's data set, and prints what each `DatabaseService` call returns, as JSON,
//! with the number of statements it sent.
//!
//! `cargo run -p orm-examples --bin blog`

use std::time::Instant;

use blog_models::NotificationType;
use blog_models::seed::{self, SeedSize};
use blog_models::service::{
    DatabaseService, NotificationInput, PostFilters, PostInput, generate_slug,
};
use orm_runtime::prelude::*;
use serde::Serialize;

/// Prints a titled value as pretty JSON.
fn show<T: Serialize>(title: &str, statements: u64, value: &T) {
    println!(
        "── {title} ({statements} statement{})",
        if statements == 1 { "" } else { "s" }
    );
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("service results serialize")
    );
}

/// Runs `call` and prints its result with the statements it sent.
macro_rules! run {
    ($db:expr, $title:expr, $call:expr) => {{
        let before = $db.statements_sent();
        let value = $call.await?;
        show($title, $db.statements_sent() - before, &value);
        value
    }};
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite::memory:".into());
    let db = blog_models::connect(&url).await?;
    blog_models::schema().push(&db).await?;

    // The seed's data set: 11 users with settings, 4 categories, 10 tags, 50 posts with tags,
    // comments with replies, likes, follows and notifications.
    let started = Instant::now();
    run!(
        db,
        "seed(SeedSize::default())",
        seed::seed(&db, SeedSize::default())
    );
    println!("   seeded in {:?}", started.elapsed());

    let service = DatabaseService::new(db.clone());

    run!(
        db,
        "user_with_stats(user 1)",
        service.user_with_stats(&seed::user_id(1))
    );

    // Two pages of the published posts, two posts each: the second starts at the first's cursor.
    let all = PostFilters::default();
    let page = run!(
        db,
        "posts_paginated(None, 2)",
        service.posts_paginated(None, 2, &all)
    );
    run!(
        db,
        "posts_paginated(next_cursor, 2)",
        service.posts_paginated(page.next_cursor.as_deref(), 2, &all)
    );
    run!(
        db,
        "posts_paginated(None, 3, search \"SAMPLE POST 4\" by user 4)",
        service.posts_paginated(
            None,
            3,
            &PostFilters {
                search: Some("SAMPLE POST 4".into()),
                author_id: Some(seed::user_id(4)),
                ..Default::default()
            },
        )
    );

    // A batch with explicit ids, sent twice: the retry inserts nothing.
    let batch: Vec<NotificationInput> = (1..=3)
        .map(|n| NotificationInput {
            id: Some(format!("release-{n}")),
            ..NotificationInput::new(
                seed::user_id(n),
                NotificationType::System,
                "New release",
                "Version 2 is out",
            )
        })
        .collect();
    run!(
        db,
        "batch_create_notifications(3 new)",
        service.batch_create_notifications(batch.clone())
    );
    run!(
        db,
        "batch_create_notifications(the same 3 again)",
        service.batch_create_notifications(batch)
    );

    run!(db, "popular_tags(5)", service.popular_tags(5));

    let tags = [seed::tag_id("prisma"), seed::tag_id("docker")];
    let new_post = |title: &str| PostInput {
        title: title.into(),
        content: "Typed queries, three databases, one API.".into(),
        excerpt: Some("Why a typed ORM".into()),
        author_id: seed::user_id(2),
        category_id: Some(seed::category_id("programming")),
    };
    run!(
        db,
        "create_post_with_tags(\"Hello, Typed SQL!\", [prisma, docker])",
        service.create_post_with_tags(new_post("Hello, Typed SQL!"), &tags)
    );
    let before = db.statements_sent();
    let failed = service
        .create_post_with_tags(
            new_post("Never stored"),
            &[seed::tag_id("rust-is-not-a-tag")],
        )
        .await;
    let failed = match failed {
        Ok(card) => serde_json::json!({ "unexpected": card }),
        Err(e) => serde_json::json!({ "error": e.to_string(), "rolled_back": true }),
    };
    show(
        "create_post_with_tags(unknown tag)",
        db.statements_sent() - before,
        &failed,
    );

    run!(
        db,
        "search_posts(\"post 4\", 3)",
        service.search_posts("post 4", 3)
    );

    let slugs: Vec<(&str, String)> = ["Hello, World!", "  Rust & SQL: 2024  ", "Ünïcode"]
        .into_iter()
        .map(|t| (t, generate_slug(t)))
        .collect();
    show("generate_slug", 0, &slugs);
    Ok(())
}
