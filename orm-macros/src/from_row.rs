//! `#[derive(FromRow)]`: decode raw query rows by column name. Small enough for one file, in the same
//! three stages as the other derives: [`Container`] and [`column()`] read the attributes, [`FromRow`]
//! is the checked struct, [`expand`] the impl.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident};

use crate::internals::attr::{self as common, Attr};
use crate::internals::ctxt::Ctxt;
use crate::internals::symbol::*;
use crate::internals::ty::path_str;

/// `#[orm(crate = "..")]` on the struct.
struct Container {
    krate: Option<syn::Path>,
}

impl Container {
    fn from_ast(cx: &Ctxt, input: &DeriveInput) -> Self {
        let mut krate = Attr::none(cx, CRATE);
        common::parse_orm(cx, &input.attrs, |meta| {
            if meta.path == CRATE {
                krate.set(&meta.path, common::krate(&meta)?);
                Ok(())
            } else {
                common::unknown_key(
                    cx,
                    &meta,
                    format_args!(
                        "unknown orm attribute `{}` on a FromRow struct; expected `crate`",
                        path_str(&meta.path)
                    ),
                )
            }
        });
        Container { krate: krate.get() }
    }
}

/// `#[orm(column = "..")]` on a field: the column it reads (default: the field name).
fn column(cx: &Ctxt, field: &syn::Field) -> Option<String> {
    let mut column = Attr::none(cx, COLUMN);
    common::parse_orm(cx, &field.attrs, |meta| {
        if meta.path == COLUMN {
            column.set(&meta.path, common::lit_str(&meta)?.value());
            Ok(())
        } else {
            common::unknown_key(
                cx,
                &meta,
                format_args!(
                    "unknown orm attribute `{}` on a FromRow field; expected `column`",
                    path_str(&meta.path)
                ),
            )
        }
    });
    column.get()
}

/// The checked struct: each field with the column it reads.
struct FromRow<'a> {
    ident: &'a Ident,
    krate: syn::Path,
    fields: Vec<(&'a Ident, &'a syn::Type, String)>,
}

impl<'a> FromRow<'a> {
    fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let container = Container::from_ast(cx, input);
        let syn::Data::Struct(syn::DataStruct {
            fields: syn::Fields::Named(named),
            ..
        }) = &input.data
        else {
            cx.error_spanned_by(
                &input.ident,
                "#[derive(FromRow)] needs a struct with named fields",
            );
            return None;
        };
        let fields = named
            .named
            .iter()
            .map(|f| {
                let ident = f.ident.as_ref().expect("named field");
                let column = column(cx, f).unwrap_or_else(|| ident.to_string());
                (ident, &f.ty, column)
            })
            .collect();
        Some(FromRow {
            ident: &input.ident,
            krate: crate::internals::krate_or_default(container.krate),
            fields,
        })
    }
}

/// `#[derive(FromRow)]` on `input`. A struct whose attributes had errors still gets a `FromRow`
/// impl (without a body that runs), so the queries decoding into it do not fail too.
pub fn derive_from_row(input: DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let from_row = FromRow::from_ast(&cx, &input);
    match cx.check() {
        Ok(()) => expand(&from_row.expect("a struct without errors"), false),
        Err(errors) => {
            let mut out = errors.into_compile_error();
            if let Some(f) = &from_row {
                out.extend(expand(f, true));
            }
            out
        }
    }
}

fn expand(s: &FromRow<'_>, fallback: bool) -> TokenStream {
    let p = crate::internals::private(&s.krate);
    let ident = s.ident;
    let body = if fallback {
        quote!(::core::unreachable!())
    } else {
        let fields = s.fields.iter().map(|(fident, ty, column)| {
            // Spanned at the field type, so an unsupported type is reported there.
            let decode = quote_spanned! {ty.span()=> <#ty as #p::FieldType>::decode };
            quote! {
                #fident: {
                    let i = row.index_of(#column).map_err(|e| #p::decode_error("row", #column, e))?;
                    #decode(row, i).map_err(|e| #p::decode_error("row", #column, e))?
                }
            }
        });
        quote!(::core::result::Result::Ok(#ident { #(#fields,)* }))
    };
    let row = if fallback { quote!(_) } else { quote!(row) };
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #p::FromRow for #ident {
                fn from_row(#row: #p::RowRef<'_>) -> ::core::result::Result<Self, #p::Error> {
                    #body
                }
            }
        };
    }
}
