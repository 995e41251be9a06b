//! `#[derive(Select)]`: a struct shaped after a model — columns, nested relation selects, counts —
//! in three stages: [`attr`], [`ast`], [`expand`].

mod ast;
mod attr;
mod expand;

use proc_macro2::TokenStream;
use syn::DeriveInput;

use crate::internals::ctxt::Ctxt;

/// `#[derive(Select)]` on `input`.
pub fn derive_select(input: DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let select = ast::Select::from_ast(&cx, &input);
    if let Some(s) = &select {
        expand::check_counts(&cx, s);
    }
    match cx.check() {
        Ok(()) => expand::expand(&select.expect("a select without errors")),
        Err(errors) => {
            let mut out = errors.into_compile_error();
            if let Some(s) = &select {
                out.extend(expand::fallback(s));
            }
            out
        }
    }
}
