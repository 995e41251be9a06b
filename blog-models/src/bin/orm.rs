//! The `orm` command line for the blog schema: `cargo run -p blog-models --bin orm -- migrate status`.

use blog_models::seed::{SeedSize, seed};
use orm_runtime::migrate::cli::Cli;

fn main() -> std::process::ExitCode {
    Cli::new(blog_models::schema())
        .seed(|db| async move { seed(&db, SeedSize::default()).await.map(|_| ()) })
        .run()
}
