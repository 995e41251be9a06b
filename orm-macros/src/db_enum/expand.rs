//! Stage 3 of `#[derive(DbEnum)]`: the `EnumDef` descriptor, `impl DbEnum` (variant ↔ database
//! name) and `impl Scalar` (how the enum binds and decodes), plus `FieldType` through the runtime's
//! macro.

use proc_macro2::TokenStream;
use quote::quote;

use super::Enum;

pub fn expand(e: &Enum<'_>) -> TokenStream {
    let p = crate::internals::private(&e.krate);
    let ident = e.ident;
    let rust_name = ident.to_string();
    let db_name = &e.db_name;
    let variants = e.variants.iter().map(|(v, _)| v);
    let variants2 = variants.clone();
    let db_names = e.variants.iter().map(|(_, db)| db);
    let db_names2 = db_names.clone();
    let db_names3 = db_names.clone();
    quote! {
        const _: () = {
            static __ORM_ENUM: #p::EnumDef = #p::EnumDef {
                rust_name: #rust_name,
                db_name: #db_name,
                variants: &[#(#db_names),*],
            };

            #[automatically_derived]
            impl #p::DbEnum for #ident {
                const DEF: &'static #p::EnumDef = &__ORM_ENUM;
                fn db_name(&self) -> &'static str {
                    match self { #(#ident::#variants => #db_names2,)* }
                }
                fn from_db_name(name: &str) -> ::core::option::Option<Self> {
                    match name {
                        #(#db_names3 => ::core::option::Option::Some(#ident::#variants2),)*
                        _ => ::core::option::Option::None,
                    }
                }
            }

            #[automatically_derived]
            impl #p::Scalar for #ident {
                const KIND: #p::ScalarKind = #p::ScalarKind::Enum(&__ORM_ENUM);
                fn into_value(self) -> #p::Value {
                    #p::Value::Enum { type_name: #db_name, value: #p::DbEnum::db_name(&self) }
                }
                fn to_value(&self) -> #p::Value {
                    #p::Value::Enum { type_name: #db_name, value: #p::DbEnum::db_name(self) }
                }
                fn decode(row: #p::RowRef<'_>, index: usize) -> ::core::result::Result<Self, #p::DecodeError> {
                    let s = row.text(index)?;
                    ::core::option::Option::ok_or_else(<Self as #p::DbEnum>::from_db_name(s), || {
                        ::core::convert::From::from(::std::format!("`{}` is not a variant of {}", s, #rust_name))
                    })
                }
            }

            #p::__impl_field_type_for_scalar!(#ident);
        };
    }
}
