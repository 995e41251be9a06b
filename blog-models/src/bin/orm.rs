//! The `orm` command line for the blog schema: `cargo run -p blog-models --bin orm -- migrate status`
//! (with `--migrations blog-models/migrations` from the workspace root: the committed history).

use blog_models::seed::{SeedSize, seed};

fn main() -> std::process::ExitCode {
    blog_models::migrations::cli()
        .seed(|db| async move { seed(&db, SeedSize::default()).await.map(|_| ()) })
        .run()
}
