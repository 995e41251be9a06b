//! Compiles the tests for a server backend in only when its URL is configured.
//!
//! `ORM_TEST_POSTGRES_URL` set and non-empty => `cfg(orm_postgres)`;
//! `ORM_TEST_MYSQL_URL` set and non-empty => `cfg(orm_mysql)`.
//! A configured but unreachable server makes the tests fail, never skip.

const BACKENDS: [(&str, &str); 2] = [
    ("ORM_TEST_POSTGRES_URL", "orm_postgres"),
    ("ORM_TEST_MYSQL_URL", "orm_mysql"),
];

fn main() {
    for (var, cfg) in BACKENDS {
        println!("cargo:rerun-if-env-changed={var}");
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        let configured = std::env::var_os(var).is_some_and(|value| !value.is_empty());
        if configured {
            println!("cargo:rustc-cfg={cfg}");
        }
    }
}
