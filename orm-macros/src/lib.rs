//! Derive macros for `orm-runtime`. Depend on `orm-runtime`, which re-exports them and documents them.
//!
//! Each macro is a three-line shim over a `proc_macro2` function of its module (`model::derive_model`,
//! ...), which the snapshot tests call directly. A derive runs in three stages, each in its own file:
//! `attr` reads the `#[orm(...)]` attributes (keys are `internals::symbol` constants), `ast` checks
//! them into a model, `expand` generates code, one file per generated API. Generated code reaches the
//! runtime only through its `#[doc(hidden)] __private` module, at `::orm_runtime` or the path given
//! with `crate`.

mod db_enum;
mod from_row;
mod internals;
mod model;
mod select;
mod sql;
mod test_attr;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// See `orm_runtime::Model`. `#[orm(crate = "path")]` on the struct names the runtime crate in the
/// generated code (default: `::orm_runtime`), for a crate that uses it under another name.
/// `#[orm_runtime::test]`: see the runtime's `testing` module.
#[proc_macro_attribute]
pub fn test(attr: TokenStream, item: TokenStream) -> TokenStream {
    test_attr::expand(attr.into(), item.into()).into()
}

#[proc_macro_derive(Model, attributes(orm))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    model::derive_model(input).into()
}

/// See `orm_runtime::DbEnum`. `#[orm(crate = "path")]` on the enum names the runtime crate (default:
/// `::orm_runtime`).
#[proc_macro_derive(DbEnum, attributes(orm))]
pub fn derive_db_enum(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    db_enum::derive_db_enum(input).into()
}

/// See `orm_runtime::FromRow`. `#[orm(crate = "path")]` on the struct names the runtime crate
/// (default: `::orm_runtime`).
#[proc_macro_derive(FromRow, attributes(orm))]
pub fn derive_from_row(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    from_row::derive_from_row(input).into()
}

/// See `orm_runtime::Select`. `#[orm(crate = "path")]` on the struct names the runtime crate
/// (default: `::orm_runtime`).
#[proc_macro_derive(Select, attributes(orm))]
pub fn derive_select(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    select::derive_select(input).into()
}

/// See `orm_runtime::sql`. A leading `crate = path;` names the runtime crate (default:
/// `::orm_runtime`): `sql!(crate = ::my_orm; "SELECT 1")`.
#[proc_macro]
pub fn sql(input: TokenStream) -> TokenStream {
    sql::expand_sql(input.into()).into()
}
