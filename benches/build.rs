//! Records the compiler and the peer crates' resolved versions for the report header.

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=BENCH_RUSTC_VERSION={version}");

    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let wanted = [
        "sqlx",
        "sea-orm",
        "diesel",
        "diesel-async",
        "tokio-postgres",
        "mysql_async",
        "tokio",
    ];
    let mut found = Vec::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_string());
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take()) {
            if wanted.contains(&n.as_str()) {
                found.push(format!("{n} {}", v.trim_matches('"')));
            }
        }
    }
    found.sort_by_key(|s| wanted.iter().position(|w| s.split(' ').next() == Some(w)));
    println!("cargo:rustc-env=BENCH_CRATE_VERSIONS={}", found.join(", "));
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=build.rs");
}
