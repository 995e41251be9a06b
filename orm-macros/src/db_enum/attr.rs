//! Stage 1 of `#[derive(DbEnum)]`: `#[orm(name = .., rename_all = .., crate = ..)]` on the enum and
//! `#[orm(rename = ..)]` on a variant.

use crate::internals::attr::{self as common, Attr};
use crate::internals::ctxt::Ctxt;
use crate::internals::symbol::*;
use crate::internals::ty::path_str;

/// The `rename_all` rules (see `naming::rename`).
pub const RENAME_RULES: [&str; 4] = [
    "SCREAMING_SNAKE_CASE",
    "snake_case",
    "lowercase",
    "UPPERCASE",
];

/// `#[orm(...)]` on the enum.
pub struct Container {
    pub name: Option<String>,
    pub rename_all: Option<String>,
    pub krate: Option<syn::Path>,
}

impl Container {
    pub fn from_ast(cx: &Ctxt, input: &syn::DeriveInput) -> Self {
        let mut name = Attr::none(cx, NAME);
        let mut rename_all = Attr::none(cx, RENAME_ALL);
        let mut krate = Attr::none(cx, CRATE);
        common::parse_orm(cx, &input.attrs, |meta| {
            if meta.path == NAME {
                name.set(&meta.path, common::lit_str(&meta)?.value());
            } else if meta.path == RENAME_ALL {
                let v = common::lit_str(&meta)?;
                if !RENAME_RULES.contains(&v.value().as_str()) {
                    return Err(syn::Error::new(
                        v.span(),
                        format!(
                            "unknown rename rule; expected one of {}",
                            RENAME_RULES.join(", ")
                        ),
                    ));
                }
                rename_all.set(&meta.path, v.value());
            } else if meta.path == CRATE {
                krate.set(&meta.path, common::krate(&meta)?);
            } else {
                common::unknown_key(
                    cx,
                    &meta,
                    format_args!(
                        "unknown orm attribute `{}` on an enum; expected `name`, `rename_all` or `crate`",
                        path_str(&meta.path)
                    ),
                )?;
            }
            Ok(())
        });
        Container {
            name: name.get(),
            rename_all: rename_all.get(),
            krate: krate.get(),
        }
    }
}

/// `#[orm(rename = "..")]` on a variant.
pub fn variant_rename(cx: &Ctxt, variant: &syn::Variant) -> Option<String> {
    let mut rename = Attr::none(cx, RENAME);
    common::parse_orm(cx, &variant.attrs, |meta| {
        if meta.path == RENAME {
            rename.set(&meta.path, common::lit_str(&meta)?.value());
            Ok(())
        } else {
            common::unknown_key(
                cx,
                &meta,
                format_args!(
                    "unknown orm attribute `{}` on a variant; expected `rename`",
                    path_str(&meta.path)
                ),
            )
        }
    });
    rename.get()
}
