//! `cargo run -p blog-api`: the blog's HTTP API. With no configuration it serves an SQLite file
//! (`blog-api.db`) on 127.0.0.1:3000, migrated and seeded at start-up; `DATABASE_URL` points it at
//! PostgreSQL or MariaDB, `BIND` moves it, `SEED=0` leaves an empty database empty. `RUST_LOG`
//! sets the log level (default `info`).

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let config = match blog_api::Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let app = match blog_api::App::start(&config).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("error: cannot start on {}: {e}", config.database_url);
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(&config.bind).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", config.bind);
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(address = %config.bind, "listening");
    match blog_api::serve(app, listener).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
