//! The blog's HTTP API: `blog-models`' [`DatabaseService`] behind axum.
//!
//! | method | path | what |
//! |---|---|---|
//! | `GET` | `/healthz` | the process is up |
//! | `GET` | `/readyz` | the database answers |
//! | `GET` | `/users/{id}` | a user with their counts (the seed's `getUserWithStats`) |
//! | `GET` | `/posts?cursor=&limit=&author=&category=&drafts=&search=` | a page of post cards, newest first |
//! | `POST` | `/posts` | create a post with its tags, in one transaction |
//! | `GET` | `/search?q=&limit=` | published posts matching the search (web-search syntax), best first, as cards |
//! | `GET` | `/search/hits?q=&limit=` | the same, as results: score, title and content around the matches (HTML) |
//! | `GET` | `/tags/popular?limit=` | tags by published posts |
//! | `POST` | `/notifications` | create notifications in one statement |
//! | `GET` | `/posts/{id}/comments?limit=` | a post's comments with their replies |
//! | `PUT` | `/users/{id}/following/{other}` | follow (201; 409 if already) |
//! | `DELETE` | `/users/{id}/following/{other}` | unfollow (204; 404 if not following) |
//!
//! Errors are `application/problem+json` ([RFC 9457](https://www.rfc-editor.org/rfc/rfc9457)):
//! a bad request is 400 naming the field, a missing row 404, a unique key taken 409 naming the
//! fields, a reference to a missing row 422, a database that cannot be reached or a pool that is
//! exhausted 503 with `Retry-After`, anything else 500 without the database's message.
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! let config = blog_api::Config::from_env()?;
//! let app = blog_api::App::start(&config).await?;
//! let listener = tokio::net::TcpListener::bind(&config.bind).await?;
//! axum::serve(listener, app.router()).await?;
//! # Ok(()) }
//! ```

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use blog_models::NotificationType;
use blog_models::service::{
    DatabaseService, MAX_PAGE_SIZE, NotificationInput, PostFilters, PostInput,
};
use orm_runtime::{Client, Error, ModelQuery};
use serde::{Deserialize, Serialize};

/// Where the API listens and which database it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `DATABASE_URL`; an SQLite file next to the process when unset.
    pub database_url: String,
    /// `BIND`; `127.0.0.1:3000` when unset.
    pub bind: String,
    /// `SEED`: seed an empty database at start-up (default on; `0` turns it off).
    pub seed: bool,
}

/// The SQLite database the API uses when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://blog-api.db?mode=rwc";
/// The address the API listens on when `BIND` is not set.
pub const DEFAULT_BIND: &str = "127.0.0.1:3000";

impl Config {
    /// Reads `DATABASE_URL`, `BIND` and `SEED`.
    pub fn from_env() -> Result<Config, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let seed = match var("SEED").as_deref() {
            None | Some("1") | Some("true") => true,
            Some("0") | Some("false") => false,
            Some(other) => return Err(format!("SEED must be 0 or 1, not {other:?}")),
        };
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            bind: var("BIND").unwrap_or_else(|| DEFAULT_BIND.to_owned()),
            seed,
        })
    }
}

/// The running application: the database client and the service over it.
#[derive(Clone)]
pub struct App {
    service: std::sync::Arc<DatabaseService<Client>>,
}

impl App {
    /// Connects, applies `blog-models`' committed migrations, and seeds an empty database (when
    /// `config.seed`).
    pub async fn start(config: &Config) -> Result<App, Error> {
        let db = blog_models::connect(&config.database_url).await?;
        App::on(db, config.seed).await
    }

    /// [`start`](Self::start) on a client already open.
    pub async fn on(db: Client, seed: bool) -> Result<App, Error> {
        let applied = blog_models::migrations::migrator(db.dialect())
            .deploy(&db)
            .await?;
        for name in &applied {
            tracing::info!(migration = %name, "applied");
        }
        if seed && blog_models::User::count().exec(&db).await? == 0 {
            let seeded =
                blog_models::seed::seed(&db, blog_models::seed::SeedSize::default()).await?;
            tracing::info!(?seeded, "seeded an empty database");
        }
        Ok(App {
            service: std::sync::Arc::new(DatabaseService::new(db)),
        })
    }

    /// The client.
    pub fn db(&self) -> &Client {
        self.service.db()
    }

    /// The routes, with request tracing.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/healthz", get(healthz))
            .route("/readyz", get(readyz))
            .route("/users/{id}", get(user))
            .route("/posts", get(posts).post(create_post))
            .route("/search", get(search))
            .route("/search/hits", get(search_hits))
            .route("/tags/popular", get(popular_tags))
            .route("/notifications", post(create_notifications))
            .route("/posts/{id}/comments", get(comments))
            .route(
                "/users/{id}/following/{other}",
                axum::routing::put(follow).delete(unfollow),
            )
            .with_state(self.clone())
            .layer(tower_http::trace::TraceLayer::new_for_http())
    }
}

/// Serves `app` on `listener` until SIGTERM or Ctrl-C: requests in flight finish, then the pool
/// closes.
pub async fn serve(app: App, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let db = app.db().clone();
    axum::serve(listener, app.router())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

/// An error as an `application/problem+json` response.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    title: &'static str,
    detail: String,
    /// The fields a conflict or a bad request is about.
    fields: Vec<String>,
}

/// The body of an error response.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Problem {
    /// A URI reference naming the kind of problem (`about:blank`: the status says it).
    #[serde(rename = "type")]
    pub kind: String,
    /// The status's phrase.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: String,
    /// The fields concerned, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

impl ApiError {
    fn bad_request(field: &str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            title: "Bad Request",
            detail: detail.into(),
            fields: vec![field.to_owned()],
        }
    }

    fn unavailable() -> ApiError {
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            title: "Service Unavailable",
            detail: "the database is not available; try again shortly".to_owned(),
            fields: Vec::new(),
        }
    }

    fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            title: "Not Found",
            detail: detail.into(),
            fields: Vec::new(),
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let (status, title, detail, fields) = match &e {
            Error::NotFound { model } => (
                StatusCode::NOT_FOUND,
                "Not Found",
                format!("no such {model}"),
                Vec::new(),
            ),
            Error::UniqueViolation { fields, .. } => (
                StatusCode::CONFLICT,
                "Conflict",
                format!("already taken: {}", fields.join(", ")),
                fields.clone(),
            ),
            Error::ForeignKeyViolation { .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Unprocessable Content",
                "a referenced record does not exist".to_owned(),
                Vec::new(),
            ),
            Error::InvalidValue { field, reason, .. } => (
                StatusCode::BAD_REQUEST,
                "Bad Request",
                reason.clone(),
                field.iter().cloned().collect(),
            ),
            Error::PoolTimeout(_) | Error::Connection(_) => {
                tracing::warn!(error = %e, "database unavailable");
                return ApiError::unavailable();
            }
            _ => {
                // The database's own message stays in the log.
                tracing::error!(error = %e, kind = e.kind(), "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal Server Error",
                    "the request failed".to_owned(),
                    Vec::new(),
                )
            }
        };
        ApiError {
            status,
            title,
            detail,
            fields,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Problem {
            kind: "about:blank".to_owned(),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail,
            fields: self.fields,
        };
        let mut res = (self.status, Json(body)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        res
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// A query string or body that could not be read, as a 400 problem.
fn unreadable(what: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(what, format!("cannot read the {what}: {e}"))
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(app): State<App>) -> Result<&'static str, ApiError> {
    let probe = orm_runtime::sql!("SELECT 1").execute(app.db());
    match tokio::time::timeout(Duration::from_secs(2), probe).await {
        Ok(Ok(_)) => Ok("ready"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready");
            Err(ApiError::unavailable())
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer within 2 s");
            Err(ApiError::unavailable())
        }
    }
}

async fn user(
    State(app): State<App>,
    Path(id): Path<String>,
) -> ApiResult<blog_models::service::UserWithStats> {
    match app.service.user_with_stats(&id).await? {
        Some(u) => Ok(Json(u)),
        None => Err(ApiError::not_found(format!("no user {id:?}"))),
    }
}

/// `GET /posts` parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PostsQuery {
    cursor: Option<String>,
    limit: Option<u32>,
    author: Option<String>,
    category: Option<String>,
    drafts: Option<bool>,
    search: Option<String>,
}

fn check_limit(limit: Option<u32>, default: u32) -> Result<u32, ApiError> {
    match limit {
        None => Ok(default),
        Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::bad_request(
            "limit",
            format!("limit must be between 1 and {MAX_PAGE_SIZE}, not {n}"),
        )),
    }
}

async fn posts(
    State(app): State<App>,
    query: Result<Query<PostsQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<blog_models::service::PostPage> {
    let Query(q) = query.map_err(|e| unreadable("query", e.body_text()))?;
    let limit = check_limit(q.limit, 10)?;
    let filters = PostFilters {
        author_id: q.author,
        category_id: q.category,
        published: Some(!q.drafts.unwrap_or(false)),
        search: q.search.filter(|s| !s.is_empty()),
    };
    Ok(Json(
        app.service
            .posts_paginated(q.cursor.as_deref(), limit, &filters)
            .await?,
    ))
}

/// `POST /posts` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPostBody {
    title: String,
    content: String,
    excerpt: Option<String>,
    author_id: String,
    category_id: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

async fn create_post(
    State(app): State<App>,
    body: Result<Json<NewPostBody>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<blog_models::service::PostCard>), ApiError> {
    let Json(b) = body.map_err(|e| unreadable("body", e.body_text()))?;
    if b.title.trim().is_empty() {
        return Err(ApiError::bad_request("title", "the title is empty"));
    }
    if b.title.chars().count() > 191 {
        return Err(ApiError::bad_request(
            "title",
            "the title is longer than 191 characters",
        ));
    }
    if b.content.trim().is_empty() {
        return Err(ApiError::bad_request("content", "the content is empty"));
    }
    let input = PostInput {
        title: b.title,
        content: b.content,
        excerpt: b.excerpt,
        author_id: b.author_id,
        category_id: b.category_id,
    };
    let card = app.service.create_post_with_tags(input, &b.tags).await?;
    Ok((StatusCode::CREATED, Json(card)))
}

/// `GET /search` parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    q: String,
    limit: Option<u32>,
}

/// The search text and the page size of a search request: a text with something in it.
fn search_request(
    query: Result<Query<SearchQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<(String, u32), ApiError> {
    let Query(q) = query.map_err(|e| unreadable("query", e.body_text()))?;
    if q.q.trim().is_empty() {
        return Err(ApiError::bad_request("q", "the search text is empty"));
    }
    Ok((q.q, check_limit(q.limit, 10)?))
}

async fn search(
    State(app): State<App>,
    query: Result<Query<SearchQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Vec<blog_models::service::PostCard>> {
    let (q, limit) = search_request(query)?;
    Ok(Json(app.service.search_posts(&q, limit).await?))
}

/// `GET /search/hits`: the same posts as `/search`, as results with their score and their title
/// and content around the matches (HTML).
async fn search_hits(
    State(app): State<App>,
    query: Result<Query<SearchQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Vec<blog_models::service::SearchHit>> {
    let (q, limit) = search_request(query)?;
    Ok(Json(app.service.search_hits(&q, limit).await?))
}

/// `GET /tags/popular` parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitQuery {
    limit: Option<u32>,
}

async fn popular_tags(
    State(app): State<App>,
    query: Result<Query<LimitQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Vec<blog_models::service::PopularTag>> {
    let Query(q) = query.map_err(|e| unreadable("query", e.body_text()))?;
    let limit = check_limit(q.limit, 10)?;
    Ok(Json(app.service.popular_tags(limit).await?))
}

/// One notification of a `POST /notifications` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NotificationBody {
    id: Option<String>,
    recipient_id: String,
    sender_id: Option<String>,
    kind: String,
    title: String,
    message: String,
}

/// What `POST /notifications` reports.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Created {
    /// Rows created (a notification whose id exists already is skipped).
    pub created: u64,
}

/// The most notifications one request may create.
pub const MAX_NOTIFICATIONS: usize = 1_000;

fn notification_kind(s: &str) -> Option<NotificationType> {
    Some(match s {
        "like" => NotificationType::Like,
        "comment" => NotificationType::Comment,
        "follow" => NotificationType::Follow,
        "mention" => NotificationType::Mention,
        "system" => NotificationType::System,
        _ => return None,
    })
}

async fn create_notifications(
    State(app): State<App>,
    body: Result<Json<Vec<NotificationBody>>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let Json(items) = body.map_err(|e| unreadable("body", e.body_text()))?;
    if items.len() > MAX_NOTIFICATIONS {
        return Err(ApiError::bad_request(
            "body",
            format!("at most {MAX_NOTIFICATIONS} notifications per request"),
        ));
    }
    let mut inputs = Vec::with_capacity(items.len());
    for (i, n) in items.into_iter().enumerate() {
        let Some(kind) = notification_kind(&n.kind) else {
            return Err(ApiError::bad_request(
                &format!("[{i}].kind"),
                format!(
                    "unknown kind {:?}: one of like, comment, follow, mention, system",
                    n.kind
                ),
            ));
        };
        inputs.push(NotificationInput {
            id: n.id,
            recipient_id: n.recipient_id,
            sender_id: n.sender_id,
            kind,
            title: n.title,
            message: n.message,
        });
    }
    let created = app.service.batch_create_notifications(inputs).await?;
    Ok((StatusCode::CREATED, Json(Created { created })))
}

async fn comments(
    State(app): State<App>,
    Path(id): Path<String>,
    query: Result<Query<LimitQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Vec<blog_models::service::CommentThread>> {
    let Query(q) = query.map_err(|e| unreadable("query", e.body_text()))?;
    let limit = check_limit(q.limit, 20)?;
    Ok(Json(app.service.comments_with_replies(&id, limit).await?))
}

/// What `PUT /users/{id}/following/{other}` returns.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Following {
    /// Who follows.
    pub follower_id: String,
    /// Whom.
    pub following_id: String,
}

async fn follow(
    State(app): State<App>,
    Path((id, other)): Path<(String, String)>,
) -> Result<(StatusCode, Json<Following>), ApiError> {
    let f = app.service.follow(&id, &other).await?;
    Ok((
        StatusCode::CREATED,
        Json(Following {
            follower_id: f.follower_id,
            following_id: f.following_id,
        }),
    ))
}

async fn unfollow(
    State(app): State<App>,
    Path((id, other)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    if app.service.unfollow(&id, &other).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!(
            "{id:?} does not follow {other:?}"
        )))
    }
}
