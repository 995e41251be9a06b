//! The pieces every `#[orm(...)]` parser shares: walking the attributes key by key, values set at most
//! once, unknown keys skipped so the keys after them are still read, and the `crate = "..."` key.

use std::fmt::Display;

use proc_macro2::TokenTree;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::{Attribute, LitStr};

use super::ctxt::Ctxt;
use super::symbol::{ORM, Symbol};

/// Parses every `#[orm(...)]` among `attrs` with `f`, one key at a time. An error `f` returns ends
/// that attribute (past a malformed value, its tokens cannot be split into keys reliably) and goes
/// to `cx`. Returns whether every key parsed.
pub fn parse_orm(
    cx: &Ctxt,
    attrs: &[Attribute],
    mut f: impl FnMut(ParseNestedMeta<'_>) -> syn::Result<()>,
) -> bool {
    let mut ok = true;
    for attr in attrs.iter().filter(|a| a.path() == ORM) {
        if let Err(e) = attr.parse_nested_meta(&mut f) {
            cx.syn_error(e);
            ok = false;
        }
    }
    ok
}

/// Reports an unknown key at its path, then skips its value (`= ..` or `(..)`) so the keys after it
/// are still read and checked.
pub fn unknown_key(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    message: impl Display,
) -> syn::Result<()> {
    cx.error_spanned_by(&meta.path, message);
    skip_value(meta.input)
}

fn skip_value(input: ParseStream<'_>) -> syn::Result<()> {
    while !input.is_empty() && !input.peek(syn::Token![,]) {
        input.parse::<TokenTree>()?;
    }
    Ok(())
}

/// `key = "string"`.
pub fn lit_str(meta: &ParseNestedMeta<'_>) -> syn::Result<LitStr> {
    meta.value()?.parse()
}

/// `crate = "path"`: the path generated code names the runtime by.
pub fn krate(meta: &ParseNestedMeta<'_>) -> syn::Result<syn::Path> {
    lit_str(meta)?.parse()
}

/// A key that may be given once: a second one is a spanned error and keeps the first value
/// (serde_derive's `Attr`).
pub struct Attr<'c, T> {
    cx: &'c Ctxt,
    name: Symbol,
    /// `Some("belongs_to")` for a key inside `belongs_to(..)`, which words the message differently.
    within: Option<&'static str>,
    value: Option<T>,
}

impl<'c, T> Attr<'c, T> {
    pub fn none(cx: &'c Ctxt, name: Symbol) -> Self {
        Attr {
            cx,
            name,
            within: None,
            value: None,
        }
    }

    pub fn none_within(cx: &'c Ctxt, name: Symbol, within: &'static str) -> Self {
        Attr {
            within: Some(within),
            ..Attr::none(cx, name)
        }
    }

    pub fn set(&mut self, tokens: impl ToTokens, value: T) {
        if self.value.is_some() {
            match self.within {
                None => self
                    .cx
                    .error_spanned_by(tokens, format!("duplicate orm attribute `{}`", self.name)),
                Some(within) => self
                    .cx
                    .error_spanned_by(tokens, format!("duplicate `{}` in `{within}`", self.name)),
            }
        } else {
            self.value = Some(value);
        }
    }

    pub fn get(self) -> Option<T> {
        self.value
    }
}
