//! What every derive shares: the error context, the attribute keys, the shared attribute parsers,
//! the naming rules and the type-shape helpers.

pub mod attr;
pub mod ctxt;
pub mod naming;
pub mod symbol;
pub mod ty;

/// The runtime crate as generated code names it: `#[orm(crate = "...")]` or `::orm_runtime`.
pub fn krate_or_default(krate: Option<syn::Path>) -> syn::Path {
    krate.unwrap_or_else(|| syn::parse_quote!(::orm_runtime))
}

/// `#krate::__private`: the one module generated code reaches the runtime through.
pub fn private(krate: &syn::Path) -> proc_macro2::TokenStream {
    quote::quote!(#krate::__private)
}
