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

/// `schema = ..` or `migrations = ..`, then optionally `fixtures = <async fn(&Client)>`.
fn parse_args(attr: TokenStream) -> syn::Result<(Setup, Option<syn::Expr>)> {
    let args = syn::parse::Parser::parse2(
        syn::punctuated::Punctuated::<syn::MetaNameValue, syn::Token![,]>::parse_terminated,
        attr,
    )?;
    let mut setup = Setup::Empty;
    let mut fixtures = None;
    for meta in args {
        let twice = |what: &str| syn::Error::new(meta.path.span(), format!("{what} given twice"));
        if meta.path.is_ident("schema") || meta.path.is_ident("migrations") {
            if !matches!(setup, Setup::Empty) {
                return Err(twice("the database's setup (`schema` or `migrations`)"));
            }
            setup = if meta.path.is_ident("schema") {
                Setup::Schema(meta.value)
            } else {
                Setup::Migrations(meta.value)
            };
        } else if meta.path.is_ident("fixtures") {
            if fixtures.is_some() {
                return Err(twice("`fixtures`"));
            }
            fixtures = Some(meta.value);
        } else {
            return Err(syn::Error::new(
                meta.path.span(),
                "expected `schema = <Schema>`, `migrations = <Migrator>` or `fixtures = <async fn(&Client) -> Result<()>>`",
            ));
        }
    }
    Ok((setup, fixtures))
}

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    match try_expand(attr, item) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

fn try_expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let (setup, fixtures) = parse_args(attr)?;
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
    let body = match fixtures {
        None => quote!(#name),
        Some(f) => quote_spanned! {f.span()=>
            |db: ::orm_runtime::Client| async move {
                #f(&db).await?;
                #name(db).await
            }
        },
    };
    Ok(quote! {
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis fn #name() {
            #inner
            ::orm_runtime::testing::block_on(::orm_runtime::testing::run(#setup, #body))
        }
    })
}
