//! `#[orm_runtime::test]`: an `async fn(db: Client) -> Result<()>` run as a test on a fresh,
//! isolated database (the runtime's `testing` module does the work).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

/// `schema = <expr>` or `migrations = <expr>`, or nothing.
enum Setup {
    Empty,
    Schema(syn::Expr),
    Migrations(syn::Expr),
}

fn parse_setup(attr: TokenStream) -> syn::Result<Setup> {
    if attr.is_empty() {
        return Ok(Setup::Empty);
    }
    let meta: syn::MetaNameValue = syn::parse2(attr)?;
    if meta.path.is_ident("schema") {
        Ok(Setup::Schema(meta.value))
    } else if meta.path.is_ident("migrations") {
        Ok(Setup::Migrations(meta.value))
    } else {
        Err(syn::Error::new(
            meta.path.span(),
            "expected `schema = <Schema>` or `migrations = <Migrator>`",
        ))
    }
}

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    match try_expand(attr, item) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

fn try_expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let setup = parse_setup(attr)?;
    let f: syn::ItemFn = syn::parse2(item)?;
    if f.sig.asyncness.is_none() {
        return Err(syn::Error::new(
            f.sig.fn_token.span(),
            "an `#[orm_runtime::test]` function is `async fn name(db: Client) -> orm_runtime::Result<()>`",
        ));
    }
    if f.sig.inputs.len() != 1 {
        return Err(syn::Error::new(
            f.sig.inputs.span(),
            "an `#[orm_runtime::test]` function takes one argument: the test's `Client`",
        ));
    }
    let name = &f.sig.ident;
    let attrs = &f.attrs;
    let vis = &f.vis;
    let setup = match setup {
        Setup::Empty => quote!(::orm_runtime::testing::Setup::Empty),
        Setup::Schema(e) => quote_spanned! {e.span()=> ::orm_runtime::testing::Setup::Push(#e) },
        Setup::Migrations(e) => {
            quote_spanned! {e.span()=> ::orm_runtime::testing::Setup::migrate(#e) }
        }
    };
    let mut inner = f.clone();
    inner.attrs.clear();
    inner.vis = syn::Visibility::Inherited;
    Ok(quote! {
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis fn #name() {
            #inner
            ::orm_runtime::testing::block_on(::orm_runtime::testing::run(#setup, #name))
        }
    })
}
