//! Derive macros for `orm-runtime`. Depend on `orm-runtime`, which re-exports them and documents them.

mod ctxt;
mod db_enum;
mod from_row;
mod model;
mod naming;
mod select;
mod sql;

use proc_macro::TokenStream;

/// See `orm_runtime::Model`.
#[proc_macro_derive(Model, attributes(orm))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    model::derive(syn::parse_macro_input!(input)).into()
}

/// See `orm_runtime::DbEnum`.
#[proc_macro_derive(DbEnum, attributes(orm))]
pub fn derive_db_enum(input: TokenStream) -> TokenStream {
    db_enum::derive(syn::parse_macro_input!(input)).into()
}

/// See `orm_runtime::FromRow`.
#[proc_macro_derive(FromRow, attributes(orm))]
pub fn derive_from_row(input: TokenStream) -> TokenStream {
    from_row::derive(syn::parse_macro_input!(input)).into()
}

/// See `orm_runtime::Select`.
#[proc_macro_derive(Select, attributes(orm))]
pub fn derive_select(input: TokenStream) -> TokenStream {
    select::derive(syn::parse_macro_input!(input)).into()
}

/// See `orm_runtime::sql`.
#[proc_macro]
pub fn sql(input: TokenStream) -> TokenStream {
    sql::expand(input.into()).into()
}
