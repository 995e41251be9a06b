//! Stage 3 of `#[derive(Model)]`: code generation, one file per generated API. The derive emits data
//! (static descriptors) and thin glue; the runtime's generic code does the work.
//!
//! - [`columns`]: the column descriptors, the column handles (`User::EMAIL`) and the field checks.
//! - [`keys`]: unique constraints, indexes, compound key handles, `SingleKey`.
//! - [`relations`]: relation descriptors and handles, `<relation>_query()`, `BelongsToOf`.
//! - [`decode`]: `impl Model` (the descriptor, row decoding, column values).
//! - [`new_input`] / [`update_input`]: `New<Model>` and `<Model>Update`.
//!
//! [`fallback`] expands a model with errors into the same API without its checks and bodies, so that
//! code naming the model compiles and the user sees the derive's errors only.

mod columns;
mod decode;
mod keys;
mod new_input;
mod relations;
mod update_input;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::ast::Model;
use crate::internals;

/// What every generated API reads.
struct Gen<'a> {
    m: &'a Model<'a>,
    /// `#krate::__private`, the only path generated code reaches the runtime by.
    p: TokenStream,
    /// Expanding a model with errors (see [`fallback`]).
    fallback: bool,
}

/// The full expansion of a checked model.
pub fn expand(m: &Model<'_>) -> TokenStream {
    generate(&Gen {
        m,
        p: internals::private(&m.krate),
        fallback: false,
    })
}

/// The expansion of a model the derive reported errors on, emitted beside those errors: the same
/// types, handles and trait impls (what other models, selects and user code name), without the
/// compile-time checks (they would guess at what the mistake meant) and with unreachable bodies
/// (the crate does not compile, so they never run).
pub fn fallback(m: &Model<'_>) -> TokenStream {
    generate(&Gen {
        m,
        p: internals::private(&m.krate),
        fallback: true,
    })
}

fn generate(g: &Gen<'_>) -> TokenStream {
    let p = &g.p;
    let m = g.m;
    let ident = m.ident;
    let name = ident.to_string();
    let table = &m.table;
    let table_renamed_from = option_str(m.renamed_from.as_deref());
    let soft = m.fields.iter().position(|f| f.soft_delete.is_some());
    let soft_delete = match soft {
        Some(i) => quote!(::core::option::Option::Some(#i)),
        None => quote!(::core::option::Option::None),
    };
    let soft_delete_impl = soft.map(|_| {
        quote! {
            #[automatically_derived]
            impl #p::SoftDelete for #ident {}
        }
    });
    let field_count = m.fields.len();
    let pk = &m.primary_key;
    let unique_count = m.uniques.len();
    let index_count = m.indexes.len();
    let relation_count = m.relations.len();

    let new_input = new_input::expand(g);
    let update_input = update_input::expand(g);
    let column_defs = columns::defs(g);
    let unique_defs = keys::unique_defs(g);
    let index_defs = keys::index_defs(g);
    let relation_defs = relations::defs(g);
    let pk_def = keys::pk_def(g);
    let assertions = if g.fallback {
        quote!()
    } else {
        let columns = columns::assertions(g);
        let relations = relations::assertions(g);
        let keys = keys::assertions(g);
        quote! {
            #[allow(dead_code)]
            fn __orm_assertions() {
                #(#columns)*
                #(#relations)*
                #(#keys)*
            }
        }
    };
    let column_consts = columns::consts(g);
    let key_consts = keys::consts(g);
    let relation_consts = relations::consts(g);
    let relation_methods = relations::methods(g);
    let belongs_to = relations::belongs_to_impls(g);
    let single_key = keys::single_key(g);
    let impl_model = decode::impl_model(g);
    let impl_inputs = [new_input.impl_input, update_input.impl_input];
    let (new_struct, update_struct) = (new_input.item, update_input.item);

    quote! {
        #new_struct

        #update_struct

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
                soft_delete: #soft_delete,
            };

            #soft_delete_impl

            #assertions

            #[automatically_derived]
            #[allow(non_upper_case_globals, clippy::all)]
            impl #ident {
                #(#column_consts)*
                #(#key_consts)*
                #(#relation_consts)*
                #(#relation_methods)*
            }

            #(#belongs_to)*
            #single_key

            #impl_model

            #(#impl_inputs)*
        };
    }
}

/// A generated item and the trait impl that goes with it inside `const _`.
struct ItemAndImpl {
    item: TokenStream,
    impl_input: TokenStream,
}

/// `New<Model>` and `<Model>Update`.
fn input_idents(m: &Model<'_>) -> (syn::Ident, syn::Ident) {
    (
        format_ident!("New{}", m.ident),
        format_ident!("{}Update", m.ident),
    )
}

/// `Some("..")` / `None` as an `Option<&'static str>` expression.
fn option_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(t) => quote!(::core::option::Option::Some(#t)),
        None => quote!(::core::option::Option::None),
    }
}

/// The body of a runtime method: `body`, or in a fallback, which never runs, nothing to check.
fn body(g: &Gen<'_>, body: TokenStream) -> TokenStream {
    if g.fallback {
        quote!(::core::unreachable!())
    } else {
        body
    }
}
