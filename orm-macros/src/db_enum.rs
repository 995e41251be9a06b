//! `#[derive(DbEnum)]`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, LitStr};

use crate::ctxt::Ctxt;
use crate::naming;

pub fn derive(input: DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let mut name: Option<String> = None;
    let mut rule: Option<String> = None;
    let mut krate: syn::Path = syn::parse_quote!(::orm_runtime);
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("orm")) {
        if let Err(e) = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                name = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("rename_all") {
                let v: LitStr = meta.value()?.parse()?;
                let ok = [
                    "SCREAMING_SNAKE_CASE",
                    "snake_case",
                    "lowercase",
                    "UPPERCASE",
                ];
                if !ok.contains(&v.value().as_str()) {
                    return Err(syn::Error::new(
                        v.span(),
                        format!("unknown rename rule; expected one of {}", ok.join(", ")),
                    ));
                }
                rule = Some(v.value());
            } else if meta.path.is_ident("crate") {
                krate = meta.value()?.parse::<LitStr>()?.parse()?;
            } else {
                return Err(meta.error(
                    "unknown orm attribute on an enum; expected `name`, `rename_all` or `crate`",
                ));
            }
            Ok(())
        }) {
            cx.push(e);
        }
    }
    let syn::Data::Enum(data) = &input.data else {
        cx.error(
            &input.ident,
            "#[derive(DbEnum)] needs an enum whose variants have no fields",
        );
        return cx.check().unwrap_err();
    };
    if !input.generics.params.is_empty() {
        cx.error(&input.generics, "a DbEnum cannot be generic");
    }
    let mut variants = Vec::new();
    let mut db_names = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, syn::Fields::Unit) {
            cx.error(v, "a DbEnum variant cannot have fields");
        }
        let mut db = naming::rename(&v.ident.to_string(), rule.as_deref());
        for attr in v.attrs.iter().filter(|a| a.path().is_ident("orm")) {
            if let Err(e) = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    db = meta.value()?.parse::<LitStr>()?.value();
                    Ok(())
                } else {
                    Err(meta.error("unknown orm attribute on a variant; expected `rename`"))
                }
            }) {
                cx.push(e);
            }
        }
        variants.push(&v.ident);
        db_names.push(db);
    }
    if let Err(e) = cx.check() {
        return e;
    }
    let ident = &input.ident;
    let rust_name = ident.to_string();
    let db_name = name.unwrap_or_else(|| naming::snake_case(&rust_name));
    let p = quote!(#krate::__private);
    quote! {
        const _: () = {
            static __ORM_ENUM: #p::EnumDef = #p::EnumDef {
                rust_name: #rust_name,
                db_name: #db_name,
                variants: &[#(#db_names),*],
            };

            #[automatically_derived]
            impl #krate::DbEnum for #ident {
                const DEF: &'static #p::EnumDef = &__ORM_ENUM;
                fn db_name(&self) -> &'static str {
                    match self { #(#ident::#variants => #db_names,)* }
                }
                fn from_db_name(name: &str) -> ::core::option::Option<Self> {
                    match name {
                        #(#db_names => ::core::option::Option::Some(#ident::#variants),)*
                        _ => ::core::option::Option::None,
                    }
                }
            }

            #[automatically_derived]
            impl #p::Scalar for #ident {
                const KIND: #p::ScalarKind = #p::ScalarKind::Enum(&__ORM_ENUM);
                fn into_value(self) -> #p::Value {
                    #p::Value::Enum { type_name: #db_name, value: #krate::DbEnum::db_name(&self) }
                }
                fn to_value(&self) -> #p::Value {
                    #p::Value::Enum { type_name: #db_name, value: #krate::DbEnum::db_name(self) }
                }
                fn decode(row: #p::RowRef<'_>, index: usize) -> ::core::result::Result<Self, #p::DecodeError> {
                    let s = row.text(index)?;
                    <Self as #krate::DbEnum>::from_db_name(s).ok_or_else(|| {
                        ::std::format!("`{}` is not a variant of {}", s, #rust_name).into()
                    })
                }
            }

            #p::__impl_field_type_for_scalar!(#ident);
        };
    }
}
