//! Compile-fail tests: each `ui/<topic>/<case>.rs` is a user mistake whose error message is pinned
//! in the `.stderr` file next to it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*/*.rs");
}
