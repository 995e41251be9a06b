//! Compiles the tests for a server backend in only when its URL is configured.
//!
//! `ORM_TEST_POSTGRES_URL` set and non-empty => `cfg(orm_postgres)`;
//! `ORM_TEST_MYSQL_URL` set and non-empty => `cfg(orm_mysql)`.
//! A configured but unreachable server makes the tests fail, never skip.
//!
//! `ORM_TEST_REQUIRE_ALL=1` (set by `.ci/run`) makes a missing URL a build error, so a mistyped
//! variable cannot turn a full run into a SQLite-only one.

const BACKENDS: [(&str, &str); 2] = [
    ("ORM_TEST_POSTGRES_URL", "orm_postgres"),
    ("ORM_TEST_MYSQL_URL", "orm_mysql"),
];

fn main() {
    println!("cargo:rerun-if-env-changed=ORM_TEST_REQUIRE_ALL");
    let require_all =
        std::env::var("ORM_TEST_REQUIRE_ALL").is_ok_and(|v| !v.is_empty() && v != "0");
    let mut missing = Vec::new();
    for (var, cfg) in BACKENDS {
        println!("cargo:rerun-if-env-changed={var}");
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        let configured = std::env::var_os(var).is_some_and(|value| !value.is_empty());
        if configured {
            println!("cargo:rustc-cfg={cfg}");
        } else {
            missing.push(var);
        }
    }
    if require_all && !missing.is_empty() {
        println!(
            "cargo::error=ORM_TEST_REQUIRE_ALL is set but {} {} not set: every backend is required",
            missing.join(" and "),
            if missing.len() == 1 { "is" } else { "are" }
        );
    }
}
