//! Columns: a `ColumnDef` per column field, the typed handle `User::EMAIL` over it, the functions that
//! compute `default = <expr>` values, and the checks of each field's type against its attributes.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Gen, option_str};
use crate::internals::naming;
use crate::model::ast::Field;
use crate::model::attr::Default;

/// The `ColumnDef` of each column, in order.
pub fn defs(g: &Gen<'_>) -> Vec<TokenStream> {
    let p = &g.p;
    g.m.fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let field_type = field_type(g, f);
            let fname = f.ident.to_string();
            let column = &f.column;
            let default = default_def(g, i, f);
            let updated_at = f.updated_at.is_some();
            let db_type = option_str(f.db_type.as_deref());
            let renamed_from = option_str(f.renamed_from.as_deref());
            quote! {
                #p::ColumnDef {
                    index: #i,
                    field: #fname,
                    name: #column,
                    kind: <#field_type::Scalar as #p::Scalar>::KIND,
                    nullable: #field_type::NULLABLE,
                    default: #default,
                    updated_at: #updated_at,
                    db_type: #db_type,
                    renamed_from: #renamed_from,
                }
            }
        })
        .collect()
}

/// `<#ty as FieldType>`, spanned at the field type so an unsupported type is reported there.
pub fn field_type(g: &Gen<'_>, f: &Field<'_>) -> TokenStream {
    let p = &g.p;
    let ty = f.ty;
    quote_spanned!(ty.span()=> <#ty as #p::FieldType>)
}

fn default_def(g: &Gen<'_>, i: usize, f: &Field<'_>) -> TokenStream {
    let p = &g.p;
    let ident = g.m.ident;
    let def = match &f.default {
        None => return quote!(::core::option::Option::None),
        Some(Default::Cuid(_)) => quote!(#p::DefaultDef::Cuid),
        Some(Default::Uuid(_)) => quote!(#p::DefaultDef::UuidV4),
        Some(Default::UuidV7(_)) => quote!(#p::DefaultDef::UuidV7),
        Some(Default::Autoincrement(_)) => quote!(#p::DefaultDef::Autoincrement),
        Some(Default::Now(_)) => quote!(#p::DefaultDef::Now),
        // A fallback emits no default functions: their expressions are checked in a model without
        // errors only.
        Some(Default::Value(_)) if g.fallback => return quote!(::core::option::Option::None),
        Some(Default::Value(_)) => {
            let f_ident = default_fn(i);
            quote!(#p::DefaultDef::Value(#ident::#f_ident))
        }
    };
    quote!(::core::option::Option::Some(#def))
}

/// `__orm_default_<i>`: the function computing the `default = <expr>` of column `i`.
fn default_fn(i: usize) -> syn::Ident {
    format_ident!("__orm_default_{}", i)
}

/// The associated items of `impl Model`: per column its default function (if any) and its handle.
pub fn consts(g: &Gen<'_>) -> Vec<TokenStream> {
    let p = &g.p;
    let m = g.m;
    let ident = m.ident;
    let vis = m.vis;
    let mut out = Vec::new();
    for (i, f) in m.fields.iter().enumerate() {
        let ty = f.ty;
        if let Some(Default::Value(expr)) = &f.default
            && !g.fallback
        {
            let f_ident = default_fn(i);
            let conv = quote_spanned! {expr.span()=> #p::IntoValue::<#ty>::into_value(#expr) };
            out.push(quote! {
                #[doc(hidden)]
                fn #f_ident() -> #p::Value { #conv }
            });
        }
        let fname = f.ident.to_string();
        let const_ident = format_ident!("{}", naming::const_name(&fname), span = f.ident.span());
        let kind = if f.unique || m.primary_key == [i] {
            quote!(#p::Unique)
        } else {
            quote!(#p::Plain)
        };
        let doc = format!("The `{}` column.", f.column);
        out.push(quote! {
            #[doc = #doc]
            #vis const #const_ident: #p::Column<#ident, #ty, #kind> = #p::Column::new(&__ORM_COLUMNS[#i]);
        });
    }
    out
}

/// Per column: its type is a column type, and fits its default and `updated_at`.
pub fn assertions(g: &Gen<'_>) -> Vec<TokenStream> {
    let p = &g.p;
    let mut out = Vec::new();
    for f in &g.m.fields {
        let ty = f.ty;
        out.push(quote_spanned! {ty.span()=> #p::assert_field_type::<#ty>(); });
        let check = match &f.default {
            Some(Default::Cuid(s)) => Some((*s, "assert_cuid")),
            Some(Default::Uuid(s) | Default::UuidV7(s)) => Some((*s, "assert_uuid")),
            Some(Default::Autoincrement(s)) => Some((*s, "assert_autoincrement")),
            Some(Default::Now(s)) => Some((*s, "assert_time")),
            Some(Default::Value(_)) | None => None,
        };
        if let Some((s, check)) = check {
            // Spanned at the default's name, where a type that cannot hold it is reported.
            let check = syn::Ident::new(check, s);
            out.push(quote_spanned! {s=> #p::#check::<#ty>(); });
        }
        if let Some(s) = f.updated_at {
            out.push(quote_spanned! {s=> #p::assert_time::<#ty>(); });
        }
        if let Some(s) = f.soft_delete {
            out.push(quote_spanned! {s=> #p::assert_soft_delete::<#ty>(); });
        }
    }
    out
}
