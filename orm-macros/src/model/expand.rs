//! Code generation for `#[derive(Model)]`: descriptors as statics, thin glue over the runtime.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Default, Model};
use crate::naming;

/// Types whose `Default` is known, so `New<Model>` can implement `Default` when every required field has
/// one of them.
fn has_known_default(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    matches!(
        last.ident.to_string().as_str(),
        "String"
            | "bool"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "f32"
            | "f64"
            | "Vec"
            | "Decimal"
            | "Uuid"
            | "Value"
            | "Option"
    )
}

pub fn expand(m: &Model<'_>) -> TokenStream {
    let krate = &m.krate;
    let p = quote!(#krate::__private);
    let ident = m.ident;
    let vis = m.vis;
    let name = ident.to_string();
    let table = &m.table;
    let table_renamed_from = match &m.renamed_from {
        Some(t) => quote!(::core::option::Option::Some(#t)),
        None => quote!(::core::option::Option::None),
    };
    let new_ident = format_ident!("New{}", ident);
    let update_ident = format_ident!("{}Update", ident);

    let mut column_defs = Vec::new();
    let mut assertions = Vec::new();
    let mut consts = Vec::new();
    let mut decode_fields = Vec::new();
    let mut value_arms = Vec::new();
    let mut new_fields = Vec::new();
    let mut new_values = Vec::new();
    let mut update_fields = Vec::new();
    let mut update_changes = Vec::new();
    let mut new_default_ok = true;

    for (i, f) in m.fields.iter().enumerate() {
        let fident = f.ident;
        let ty = f.ty;
        let fvis = f.vis;
        let fname = fident.to_string();
        let column = &f.column;
        let ty_span = ty.span();
        let field_type = quote_spanned!(ty_span=> <#ty as #p::FieldType>);

        assertions.push(quote_spanned! {ty_span=> #p::assert_field_type::<#ty>(); });
        let default = match &f.default {
            None => quote!(::core::option::Option::None),
            Some(Default::Cuid(s)) => {
                assertions.push(quote_spanned! {*s=> #p::assert_cuid::<#ty>(); });
                quote!(::core::option::Option::Some(#p::DefaultDef::Cuid))
            }
            Some(Default::Uuid(s)) => {
                assertions.push(quote_spanned! {*s=> #p::assert_uuid::<#ty>(); });
                quote!(::core::option::Option::Some(#p::DefaultDef::UuidV4))
            }
            Some(Default::UuidV7(s)) => {
                assertions.push(quote_spanned! {*s=> #p::assert_uuid::<#ty>(); });
                quote!(::core::option::Option::Some(#p::DefaultDef::UuidV7))
            }
            Some(Default::Autoincrement(s)) => {
                assertions.push(quote_spanned! {*s=> #p::assert_autoincrement::<#ty>(); });
                quote!(::core::option::Option::Some(#p::DefaultDef::Autoincrement))
            }
            Some(Default::Now(s)) => {
                assertions.push(quote_spanned! {*s=> #p::assert_time::<#ty>(); });
                quote!(::core::option::Option::Some(#p::DefaultDef::Now))
            }
            Some(Default::Value(expr)) => {
                let e_span = expr.span();
                let f_ident = format_ident!("__orm_default_{}", i);
                let conv = quote_spanned! {e_span=> #p::IntoValue::<#ty>::into_value(#expr) };
                consts.push(quote! {
                    #[doc(hidden)]
                    fn #f_ident() -> #p::Value { #conv }
                });
                quote!(::core::option::Option::Some(#p::DefaultDef::Value(#ident::#f_ident)))
            }
        };
        if let Some(s) = f.updated_at {
            assertions.push(quote_spanned! {s=> #p::assert_time::<#ty>(); });
        }
        let updated_at = f.updated_at.is_some();
        let db_type = match &f.db_type {
            Some(t) => quote!(::core::option::Option::Some(#t)),
            None => quote!(::core::option::Option::None),
        };
        let renamed_from = match &f.renamed_from {
            Some(t) => quote!(::core::option::Option::Some(#t)),
            None => quote!(::core::option::Option::None),
        };
        column_defs.push(quote! {
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
        });

        let const_ident = format_ident!("{}", naming::const_name(&fname), span = fident.span());
        let single_unique = f.unique || (m.primary_key.len() == 1 && m.primary_key[0] == i);
        let kind = if single_unique {
            quote!(#krate::model::Unique)
        } else {
            quote!(#krate::model::Plain)
        };
        let doc = format!("The `{column}` column.");
        consts.push(quote! {
            #[doc = #doc]
            #vis const #const_ident: #krate::model::Column<#ident, #ty, #kind> = #krate::model::Column::new(&__ORM_COLUMNS[#i]);
        });

        decode_fields.push(quote! {
            #fident: #field_type::decode(row, offset + #i).map_err(|e| #p::decode_error(#name, #column, e))?
        });
        value_arms.push(quote! { #i => #p::FieldType::to_value(&self.#fident) });

        let optional_in_new = f.default.is_some() || f.updated_at.is_some();
        let new_doc = format!(
            "`{fname}`{}",
            if optional_in_new {
                " (`None`: the default)"
            } else {
                ""
            }
        );
        if optional_in_new && !f.is_option {
            new_fields
                .push(quote! { #[doc = #new_doc] #fvis #fident: ::core::option::Option<#ty> });
            new_values.push(
                quote! { ::core::option::Option::map(self.#fident, #p::FieldType::into_value) },
            );
        } else if optional_in_new {
            new_fields.push(quote! { #[doc = #new_doc] #fvis #fident: #ty });
            new_values
                .push(quote! { ::core::option::Option::map(self.#fident, #p::Scalar::into_value) });
        } else {
            if !f.is_option && !has_known_default(ty) {
                new_default_ok = false;
            }
            new_fields.push(quote! { #[doc = #new_doc] #fvis #fident: #ty });
            new_values.push(
                quote! { ::core::option::Option::Some(#p::FieldType::into_value(self.#fident)) },
            );
        }
        let upd_doc = format!("The change to `{fname}`.");
        update_fields.push(quote! { #[doc = #upd_doc] #fvis #fident: #krate::Patch<#ty> });
        update_changes.push(quote! {
            if let ::core::option::Option::Some(c) = self.#fident.into_change() { changes.push((#i, c)); }
        });
    }

    // Relations.
    let mut relation_defs = Vec::new();
    let mut relation_consts = Vec::new();
    let mut relation_methods = Vec::new();
    let mut belongs_to_impls = Vec::new();
    for (k, r) in m.relations.iter().enumerate() {
        let rident = r.ident;
        let rname = rident.to_string();
        let rty = r.ty;
        let target = r.target;
        let rvis = r.vis;
        let optional = r.optional;
        let ty_span = rty.span();
        assertions.push(quote_spanned! {ty_span=> #p::assert_relation::<#rty>(); });
        let kind = match r.kind {
            super::relation::Wrapper::BelongsTo => quote!(#p::RelationKind::BelongsTo),
            super::relation::Wrapper::HasOne => quote!(#p::RelationKind::HasOne),
            super::relation::Wrapper::HasMany => quote!(#p::RelationKind::HasMany),
        };
        let (fk, inverse) = match &r.fk {
            Some((pos, fk_ident)) => {
                let fk_ty = m.fields[*pos].ty;
                assertions.push(quote_spanned! {fk_ident.span()=> #p::assert_foreign_key::<#target, #fk_ty>(); });
                (quote!(&[#pos]), quote!(::core::option::Option::None))
            }
            None => {
                let inv = match &r.inverse {
                    Some(inv) => {
                        let inv_const = format_ident!(
                            "{}",
                            naming::const_name(&inv.to_string()),
                            span = inv.span()
                        );
                        quote_spanned! {inv.span()=> #p::inverse::<#ident, _, _>(<#target>::#inv_const) }
                    }
                    None => {
                        quote_spanned! {ty_span=> <#target as #p::BelongsToOf<#ident>>::RELATION }
                    }
                };
                (quote!(&[]), quote!(::core::option::Option::Some(|| #inv)))
            }
        };
        let on_delete = format_ident!("{}", r.on_delete);
        let on_update = format_ident!("{}", r.on_update);
        let fk_index = r.fk_index;
        relation_defs.push(quote! {
            #p::RelationDef {
                name: #rname,
                kind: #kind,
                optional: #optional,
                model: || &__ORM_MODEL,
                target: || <#target as #krate::Model>::DEF,
                fk: #fk,
                inverse: #inverse,
                on_delete: #p::Action::#on_delete,
                on_update: #p::Action::#on_update,
                fk_index: #fk_index,
            }
        });
        let const_ident = format_ident!("{}", naming::const_name(&rname), span = rident.span());
        let doc = format!("The `{rname}` relation.");
        relation_consts.push(quote! {
            #[doc = #doc]
            #vis const #const_ident: #p::Relation<#ident, #rty> = #p::Relation::new(&__ORM_RELATIONS[#k], |m: &mut #ident| &mut m.#rident);
        });
        let method = format_ident!("{}_query", rname.trim_start_matches("r#"));
        let mdoc = format!("A query over this row's `{rname}` (the fluent API).");
        relation_methods.push(quote! {
            #[doc = #mdoc]
            #rvis fn #method(&self) -> #krate::query::FindMany<#target> {
                Self::#const_ident.of(self)
            }
        });
        decode_fields.push(quote! { #rident: ::core::default::Default::default() });
    }
    // `BelongsToOf<T>` for each model `T` this one belongs to exactly once.
    let belongs_to_targets: Vec<String> = m
        .relations
        .iter()
        .map(|r| {
            let t = r.target;
            if r.fk.is_some() {
                quote!(#t).to_string()
            } else {
                String::new()
            }
        })
        .collect();
    for (k, r) in m.relations.iter().enumerate() {
        let key = &belongs_to_targets[k];
        if r.fk.is_none() || belongs_to_targets.iter().filter(|t| *t == key).count() != 1 {
            continue;
        }
        let target = r.target;
        belongs_to_impls.push(quote! {
            #[automatically_derived]
            impl #p::BelongsToOf<#target> for #ident {
                const RELATION: &'static #p::RelationDef = &__ORM_RELATIONS[#k];
            }
        });
    }
    let relation_count = m.relations.len();
    let single_key = if m.primary_key.len() == 1 {
        let key_ty = m.fields[m.primary_key[0]].ty;
        quote! {
            #[automatically_derived]
            impl #p::SingleKey for #ident { type Key = #key_ty; }
        }
    } else {
        quote!()
    };

    let field_count = m.fields.len();
    let pk = &m.primary_key;
    let unique_defs = m.uniques.iter().map(|u| {
        let n = &u.name;
        let cols = &u.fields;
        quote!(#p::UniqueDef { name: #n, columns: &[#(#cols),*] })
    });
    let index_defs = m.indexes.iter().map(|u| {
        let n = &u.name;
        let cols = &u.fields;
        let fulltext = u.fulltext;
        quote!(#p::IndexDef { name: #n, columns: &[#(#cols),*], fulltext: #fulltext })
    });
    let unique_count = m.uniques.len();
    let index_count = m.indexes.len();

    // Compound keys (and a composite primary key) get a handle named after their fields.
    let mut compound = Vec::new();
    let mut compound_keys: Vec<(String, Vec<usize>, TokenStream)> = Vec::new();
    for (k, u) in m
        .uniques
        .iter()
        .enumerate()
        .filter(|(_, u)| u.fields.len() > 1)
    {
        compound_keys.push((u.name.clone(), u.fields.clone(), quote!(&__ORM_UNIQUES[#k])));
    }
    let pk_def = if m.primary_key.len() > 1 {
        let pk_name = format!("{}_pkey", m.table);
        compound_keys.push((
            pk_name.clone(),
            m.primary_key.clone(),
            quote!(&__ORM_PK_KEY),
        ));
        quote! { static __ORM_PK_KEY: #p::UniqueDef = #p::UniqueDef { name: #pk_name, columns: &[#(#pk),*] }; }
    } else {
        quote!()
    };
    for (_, cols, def) in &compound_keys {
        let names: Vec<String> = cols
            .iter()
            .map(|&c| naming::const_name(&m.fields[c].ident.to_string()))
            .collect();
        let const_ident = format_ident!("{}", names.join("_"));
        let tys = cols.iter().map(|&c| m.fields[c].ty);
        let doc = format!("The compound key ({}).", names.join(", ").to_lowercase());
        compound.push(quote! {
            #[doc = #doc]
            #vis const #const_ident: #krate::model::UniqueKey<#ident, (#(#tys,)*)> = #krate::model::UniqueKey::new(#def);
        });
    }

    let new_doc = format!(
        "The values of a new `{name}` row, for `{name}::create`. Fields with a default are `Option`s: `None` applies the default."
    );
    let update_doc = format!(
        "Changes to a `{name}` row, for `{name}::update(..).data(..)`. Every field defaults to unchanged."
    );
    let new_default = if new_default_ok {
        quote!(#[derive(::core::default::Default)])
    } else {
        quote!()
    };

    quote! {
        #[doc = #new_doc]
        #new_default
        #[derive(::core::fmt::Debug, ::core::clone::Clone)]
        #vis struct #new_ident {
            #(#new_fields,)*
        }

        #[doc = #update_doc]
        #[derive(::core::default::Default, ::core::fmt::Debug, ::core::clone::Clone)]
        #vis struct #update_ident {
            #(#update_fields,)*
        }

        const _: () = {
            static __ORM_COLUMNS: [#p::ColumnDef; #field_count] = [#(#column_defs),*];
            static __ORM_UNIQUES: [#p::UniqueDef; #unique_count] = [#(#unique_defs),*];
            static __ORM_INDEXES: [#p::IndexDef; #index_count] = [#(#index_defs),*];
            static __ORM_RELATIONS: [#p::RelationDef; #relation_count] = [#(#relation_defs),*];
            #pk_def
            static __ORM_MODEL: #p::ModelDef = #p::ModelDef {
                name: #name,
                table: #table,
                columns: &__ORM_COLUMNS,
                primary_key: &[#(#pk),*],
                uniques: &__ORM_UNIQUES,
                indexes: &__ORM_INDEXES,
                relations: &__ORM_RELATIONS,
                renamed_from: #table_renamed_from,
            };

            #[allow(dead_code)]
            fn __orm_assertions() {
                #(#assertions)*
            }

            #[automatically_derived]
            #[allow(non_upper_case_globals, clippy::all)]
            impl #ident {
                #(#consts)*
                #(#compound)*
                #(#relation_consts)*
                #(#relation_methods)*
            }

            #(#belongs_to_impls)*
            #single_key

            #[automatically_derived]
            impl #krate::Model for #ident {
                const DEF: &'static #p::ModelDef = &__ORM_MODEL;
                type Create = #new_ident;
                type Update = #update_ident;

                fn decode(row: #p::RowRef<'_>, offset: usize) -> ::core::result::Result<Self, #p::Error> {
                    ::core::result::Result::Ok(#ident { #(#decode_fields,)* })
                }

                fn column_value(&self, index: usize) -> #p::Value {
                    match index {
                        #(#value_arms,)*
                        _ => ::core::panic!("column index out of range"),
                    }
                }
            }

            #[automatically_derived]
            impl #p::CreateInput<#ident> for #new_ident {
                fn into_values(self) -> ::std::vec::Vec<::core::option::Option<#p::Value>> {
                    ::std::vec![#(#new_values),*]
                }
            }

            #[automatically_derived]
            impl #p::UpdateInput<#ident> for #update_ident {
                fn into_changes(self) -> ::std::vec::Vec<(usize, #p::Change)> {
                    let mut changes = ::std::vec::Vec::new();
                    #(#update_changes)*
                    changes
                }
            }
        };
    }
}
