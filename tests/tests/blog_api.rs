//! The blog's HTTP API (`blog-api`) through its router, on every backend: every endpoint, every
//! error mapping (400 naming the field, 404, 409 naming the fields, 422, 503 with `Retry-After`,
//! 500 without the database's message), migrations applied at start-up.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use blog_api::{App, Problem};
use blog_models::seed::{self, SeedSize, tag_id, user_id};
use orm_runtime::prelude::*;
use orm_tests::backend_test;
use serde_json::{Value as JsonValue, json};
use tower::ServiceExt;

/// A response: status, content type, `Retry-After`, body.
struct Reply {
    status: StatusCode,
    content_type: String,
    retry_after: Option<String>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> JsonValue {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn problem(&self, status: StatusCode) -> Problem {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.content_type, "application/problem+json");
        let p: Problem = serde_json::from_slice(&self.body).expect("a problem");
        assert_eq!(p.status, status.as_u16());
        p
    }
}

async fn call(app: &App, method: &str, uri: &str, body: Option<JsonValue>) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    let body = match body {
        Some(b) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    let res = app
        .router()
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("infallible");
    let status = res.status();
    let header_of = |h| {
        res.headers()
            .get(h)
            .map(|v: &axum::http::HeaderValue| v.to_str().expect("ascii").to_owned())
    };
    let content_type = header_of(header::CONTENT_TYPE).unwrap_or_default();
    let retry_after = header_of(header::RETRY_AFTER);
    let body = axum::body::to_bytes(res.into_body(), 1 << 24)
        .await
        .expect("body")
        .to_vec();
    Reply {
        status,
        content_type,
        retry_after,
        body,
    }
}

backend_test!(
    every_endpoint_and_every_error_mapping,
    Schema::new(),
    |db: Client| async move {
        // Start-up applies the committed migrations; the test seeds a small data set.
        let app = App::on(db.clone(), false).await?;
        seed::seed(&db, SeedSize::small()).await?;

        let r = call(&app, "GET", "/healthz", None).await;
        assert_eq!(
            (r.status, r.body.as_slice()),
            (StatusCode::OK, b"ok".as_slice())
        );
        assert_eq!(
            call(&app, "GET", "/readyz", None).await.status,
            StatusCode::OK
        );

        // A user with their counts; an unknown one is 404.
        let r = call(&app, "GET", &format!("/users/{}", user_id(1)), None).await;
        assert_eq!(r.status, StatusCode::OK);
        let u = r.json();
        assert_eq!(u["id"], json!(user_id(1)));
        assert!(u["counts"]["published_posts"].as_i64().expect("a count") >= 0);
        let p = call(&app, "GET", "/users/nobody", None)
            .await
            .problem(StatusCode::NOT_FOUND);
        assert!(p.detail.contains("nobody"), "{p:?}");

        // Pages of post cards: the cursor walks every post once.
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let uri = match &cursor {
                None => "/posts?limit=3".to_owned(),
                Some(c) => format!("/posts?limit=3&cursor={c}"),
            };
            let r = call(&app, "GET", &uri, None).await;
            assert_eq!(r.status, StatusCode::OK);
            let page = r.json();
            let posts = page["posts"].as_array().expect("posts").clone();
            assert!(posts.len() <= 3);
            seen.extend(
                posts
                    .iter()
                    .map(|p| p["id"].as_str().expect("id").to_owned()),
            );
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        let published = blog_models::Post::count()
            .filter(blog_models::Post::PUBLISHED.eq(true))
            .unscoped()
            .exec(&db)
            .await?;
        assert_eq!(seen.len() as i64, published);
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "no post twice");
        let p = call(&app, "GET", "/posts?limit=0", None)
            .await
            .problem(StatusCode::BAD_REQUEST);
        assert_eq!(p.fields, vec!["limit".to_owned()]);
        call(&app, "GET", "/posts?colour=red", None)
            .await
            .problem(StatusCode::BAD_REQUEST);
        let drafts = call(
            &app,
            "GET",
            &format!("/posts?drafts=true&author={}", user_id(1)),
            None,
        )
        .await;
        assert_eq!(drafts.status, StatusCode::OK);

        // Create a post with tags: 201; the same title again takes the slug: 409 naming it.
        let new_post = json!({
            "title": "Hello from the API",
            "content": "Body text",
            "author_id": user_id(1),
            "tags": [tag_id(seed::TAGS[0])],
        });
        let r = call(&app, "POST", "/posts", Some(new_post.clone())).await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&r.body)
        );
        let card = r.json();
        assert_eq!(card["title"], json!("Hello from the API"));
        assert_eq!(card["tags"][0]["name"], json!(seed::TAGS[0]));
        let p = call(&app, "POST", "/posts", Some(new_post))
            .await
            .problem(StatusCode::CONFLICT);
        assert_eq!(p.fields, vec!["slug".to_owned()]);
        // An author that does not exist: 422; nothing was written.
        let before = blog_models::Post::count().unscoped().exec(&db).await?;
        call(
            &app,
            "POST",
            "/posts",
            Some(json!({"title": "Orphan", "content": "x", "author_id": "nobody", "tags": []})),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            blog_models::Post::count().unscoped().exec(&db).await?,
            before
        );
        let p = call(
            &app,
            "POST",
            "/posts",
            Some(json!({"title": " ", "content": "x", "author_id": user_id(1)})),
        )
        .await
        .problem(StatusCode::BAD_REQUEST);
        assert_eq!(p.fields, vec!["title".to_owned()]);
        call(&app, "POST", "/posts", Some(json!({"title": "No author"})))
            .await
            .problem(StatusCode::BAD_REQUEST);

        // Search and popular tags.
        let r = call(&app, "GET", "/search?q=hello%20from", None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            r.json().as_array().expect("cards").len(),
            0,
            "the new post is a draft"
        );
        call(&app, "GET", "/search?q=", None)
            .await
            .problem(StatusCode::BAD_REQUEST);
        // Search results with their score and the content around the matches.
        let r = call(&app, "GET", "/search/hits?q=%22sample%20post%201%22", None).await;
        assert_eq!(r.status, StatusCode::OK);
        let hits = r.json();
        let hits = hits.as_array().expect("hits");
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert!(hits[0]["score"].as_f64().expect("a score") > 0.0);
        if db.backend() == orm_runtime::sql::Backend::MySql {
            assert!(hits[0]["title_html"].is_null(), "no snippets on MySQL");
        } else {
            // PostgreSQL marks each word of the phrase, SQLite the phrase.
            let html = hits[0]["title_html"].as_str().expect("a snippet");
            assert!(html.starts_with("<mark>Sample"), "{html}");
            assert_eq!(
                html.replace("<mark>", "").replace("</mark>", ""),
                "Sample Post 1"
            );
        }
        call(&app, "GET", "/search/hits?q=%20", None)
            .await
            .problem(StatusCode::BAD_REQUEST);
        let r = call(&app, "GET", "/tags/popular?limit=3", None).await;
        assert_eq!(r.status, StatusCode::OK);
        let tags = r.json();
        let counts: Vec<i64> = tags
            .as_array()
            .expect("tags")
            .iter()
            .map(|t| t["post_count"].as_i64().expect("count"))
            .collect();
        assert!(
            !counts.is_empty() && counts.windows(2).all(|w| w[0] >= w[1]),
            "{counts:?}"
        );

        // Notifications in one statement; an unknown kind names its place; an unknown recipient 422.
        let r = call(
            &app,
            "POST",
            "/notifications",
            Some(json!([
                {"recipient_id": user_id(1), "kind": "follow", "title": "t", "message": "m"},
                {"recipient_id": user_id(2), "sender_id": user_id(1), "kind": "like", "title": "t", "message": "m"},
            ])),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED);
        assert_eq!(r.json(), json!({"created": 2}));
        let p = call(
            &app,
            "POST",
            "/notifications",
            Some(
                json!([{"recipient_id": user_id(1), "kind": "poke", "title": "t", "message": "m"}]),
            ),
        )
        .await
        .problem(StatusCode::BAD_REQUEST);
        assert_eq!(p.fields, vec!["[0].kind".to_owned()]);
        call(
            &app,
            "POST",
            "/notifications",
            Some(
                json!([{"recipient_id": "nobody", "kind": "system", "title": "t", "message": "m"}]),
            ),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);

        // A post's comments with their replies, oldest first.
        let r = call(&app, "GET", &format!("/posts/{}/comments", seen[0]), None).await;
        assert_eq!(r.status, StatusCode::OK);
        let threads = r.json();
        let threads = threads.as_array().expect("threads");
        assert!(!threads.is_empty());
        for t in threads {
            assert!(t["author"]["id"].is_string(), "{t}");
            let replies = t["replies"].as_array().expect("replies");
            let times: Vec<&str> = replies
                .iter()
                .map(|r| r["created_at"].as_str().expect("time"))
                .collect();
            assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
        }
        assert!(
            threads
                .iter()
                .any(|t| !t["replies"].as_array().expect("replies").is_empty())
        );
        call(&app, "GET", "/posts/x/comments?limit=500", None)
            .await
            .problem(StatusCode::BAD_REQUEST);

        // Follow and unfollow: 201, 409 naming the key, 204, 404; oneself 400; an unknown user 422.
        let path = format!("/users/{}/following/{}", user_id(1), user_id(2));
        let _ = call(&app, "DELETE", &path, None).await;
        assert_eq!(
            call(&app, "PUT", &path, None).await.status,
            StatusCode::CREATED
        );
        let p = call(&app, "PUT", &path, None)
            .await
            .problem(StatusCode::CONFLICT);
        assert_eq!(
            p.fields,
            vec!["follower_id".to_owned(), "following_id".to_owned()]
        );
        assert_eq!(
            call(&app, "DELETE", &path, None).await.status,
            StatusCode::NO_CONTENT
        );
        call(&app, "DELETE", &path, None)
            .await
            .problem(StatusCode::NOT_FOUND);
        let p = call(
            &app,
            "PUT",
            &format!("/users/{0}/following/{0}", user_id(1)),
            None,
        )
        .await
        .problem(StatusCode::BAD_REQUEST);
        assert_eq!(p.fields, vec!["following_id".to_owned()]);
        call(
            &app,
            "PUT",
            &format!("/users/{}/following/nobody", user_id(1)),
            None,
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);

        // A database that went away: 503 with Retry-After, for the probe and for requests.
        db.close().await;
        let r = call(&app, "GET", "/readyz", None).await;
        r.problem(StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.retry_after.as_deref(), Some("5"));
        let r = call(&app, "GET", &format!("/users/{}", user_id(1)), None).await;
        r.problem(StatusCode::SERVICE_UNAVAILABLE);
        assert!(r.retry_after.is_some());
        assert_eq!(
            call(&app, "GET", "/healthz", None).await.status,
            StatusCode::OK
        );
        Ok(())
    }
);

/// Anything else is 500 without the database's message.
#[tokio::test]
async fn other_errors_are_500_without_the_database_message() {
    use axum::response::IntoResponse;
    let e = blog_api::ApiError::from(Error::InvalidQuery("SELECT secret FROM vault".into()));
    let res = e.into_response();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = axum::body::to_bytes(res.into_body(), 1 << 16)
        .await
        .expect("body");
    let text = String::from_utf8_lossy(&body);
    assert!(!text.contains("secret"), "{text}");
    let p: Problem = serde_json::from_slice(&body).expect("a problem");
    assert_eq!(p.status, 500);
}
