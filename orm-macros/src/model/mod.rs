//! `#[derive(Model)]` in three stages: [`attr`] reads the `#[orm(...)]` attributes, [`ast`] checks
//! them into a model, [`expand`] generates one API per file. A model with errors still gets the
//! fallback expansion beside its errors, so one mistake is one error, not one in every model and
//! select that names it.

mod ast;
mod attr;
mod expand;

use proc_macro2::TokenStream;
use syn::DeriveInput;

use crate::internals::ctxt::Ctxt;

/// `#[derive(Model)]` on `input`.
pub fn derive_model(input: DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let model = ast::Model::from_ast(&cx, &input);
    match cx.check() {
        Ok(()) => expand::expand(&model.expect("a model without errors")),
        Err(errors) => {
            let mut out = errors.into_compile_error();
            if let Some(m) = &model {
                out.extend(expand::fallback(m));
            }
            out
        }
    }
}
