//! `#[derive(DbEnum)]`: a fieldless enum stored as a database enum, in three stages: [`attr`], the
//! checked enum [`Enum`] (variants without fields, their database names), [`expand`].

mod attr;
mod expand;

use proc_macro2::TokenStream;
use syn::{DeriveInput, Ident};

use crate::internals::ctxt::Ctxt;
use crate::internals::naming;

/// The checked enum.
pub struct Enum<'a> {
    pub ident: &'a Ident,
    pub krate: syn::Path,
    /// The database type name: `#[orm(name = ..)]` or the snake-cased enum name.
    pub db_name: String,
    /// Each variant with its database name.
    pub variants: Vec<(&'a Ident, String)>,
}

impl<'a> Enum<'a> {
    /// The checked enum, or `None` when it cannot be one (not an enum, generic, or a variant with
    /// fields), which leaves nothing to fall back on.
    fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let container = attr::Container::from_ast(cx, input);
        let syn::Data::Enum(data) = &input.data else {
            cx.error_spanned_by(
                &input.ident,
                "#[derive(DbEnum)] needs an enum whose variants have no fields",
            );
            return None;
        };
        let mut valid = input.generics.params.is_empty();
        if !valid {
            cx.error_spanned_by(&input.generics, "a DbEnum cannot be generic");
        }
        let mut variants = Vec::new();
        for v in &data.variants {
            if !matches!(v.fields, syn::Fields::Unit) {
                cx.error_spanned_by(v, "a DbEnum variant cannot have fields");
                valid = false;
            }
            let default = naming::rename(&v.ident.to_string(), container.rename_all.as_deref());
            let db = attr::variant_rename(cx, v).unwrap_or(default);
            variants.push((&v.ident, db));
        }
        valid.then(|| Enum {
            ident: &input.ident,
            krate: crate::internals::krate_or_default(container.krate),
            db_name: container
                .name
                .unwrap_or_else(|| naming::snake_case(&input.ident.to_string())),
            variants,
        })
    }
}

/// `#[derive(DbEnum)]` on `input`. An enum whose attributes had errors still gets its impls (its
/// variants are known), so models with a field of its type do not fail too.
pub fn derive_db_enum(input: DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let e = Enum::from_ast(&cx, &input);
    match cx.check() {
        Ok(()) => expand::expand(&e.expect("an enum without errors")),
        Err(errors) => {
            let mut out = errors.into_compile_error();
            if let Some(e) = &e {
                out.extend(expand::expand(e));
            }
            out
        }
    }
}
