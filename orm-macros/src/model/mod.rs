//! `#[derive(Model)]`: parse the struct and its `#[orm(...)]` attributes into a validated [`Model`],
//! then expand it.

mod expand;
pub mod relation;

use relation::{RelAttr, RelField, Wrapper};

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, LitStr};

use crate::ctxt::Ctxt;
use crate::naming;

pub fn derive(input: DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let model = parse(&mut cx, &input);
    if let Err(errors) = cx.check() {
        return errors;
    }
    expand::expand(&model.expect("no errors means a model"))
}

/// What a field's default is.
pub enum Default {
    Cuid(Span),
    Uuid(Span),
    UuidV7(Span),
    Autoincrement(Span),
    Now(Span),
    Value(syn::Expr),
}

pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a syn::Type,
    pub vis: &'a syn::Visibility,
    pub column: String,
    pub id: bool,
    pub unique: bool,
    pub index: bool,
    pub default: Option<Default>,
    pub updated_at: Option<Span>,
    pub db_type: Option<String>,
    pub renamed_from: Option<String>,
    pub is_option: bool,
}

pub struct Key {
    pub name: String,
    pub fields: Vec<usize>,
    pub fulltext: bool,
}

pub struct Model<'a> {
    pub ident: &'a Ident,
    pub vis: &'a syn::Visibility,
    pub table: String,
    pub krate: syn::Path,
    pub fields: Vec<Field<'a>>,
    pub relations: Vec<RelField<'a>>,
    pub primary_key: Vec<usize>,
    pub uniques: Vec<Key>,
    pub indexes: Vec<Key>,
    pub renamed_from: Option<String>,
}

pub fn is_option(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) => {
            p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Option")
        }
        _ => false,
    }
}

/// The type argument of `Name<T>` (the last path segment named `name`), e.g. `T` of `Option<T>`.
pub fn generic_arg<'a>(ty: &'a syn::Type, name: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if p.qself.is_some() || last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(syn::GenericArgument::Type(t)) => Some(t),
        _ => None,
    }
}

fn ident_list(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Vec<Ident>> {
    let content;
    syn::parenthesized!(content in meta.input);
    let list: Vec<Ident> = content
        .parse_terminated(Ident::parse_any_ident, syn::Token![,])?
        .into_iter()
        .collect();
    if list.is_empty() {
        return Err(meta.error("name at least one field: `(a)` or `(a, b)`"));
    }
    for (i, a) in list.iter().enumerate() {
        if list[..i].contains(a) {
            return Err(syn::Error::new(a.span(), format!("`{a}` is listed twice")));
        }
    }
    Ok(list)
}

trait ParseAnyIdent {
    fn parse_any_ident(input: syn::parse::ParseStream<'_>) -> syn::Result<Ident>;
}
impl ParseAnyIdent for Ident {
    fn parse_any_ident(input: syn::parse::ParseStream<'_>) -> syn::Result<Ident> {
        input.parse()
    }
}

fn parse<'a>(cx: &mut Ctxt, input: &'a DeriveInput) -> Option<Model<'a>> {
    let mut table: Option<String> = None;
    let mut krate: Option<syn::Path> = None;
    let mut struct_id: Option<Vec<Ident>> = None;
    let mut struct_uniques: Vec<Vec<Ident>> = Vec::new();
    let mut struct_indexes: Vec<Vec<Ident>> = Vec::new();
    let mut struct_fulltexts: Vec<Vec<Ident>> = Vec::new();
    let mut table_renamed_from: Option<String> = None;

    for attr in input.attrs.iter().filter(|a| a.path().is_ident("orm")) {
        let r = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
            match key.as_str() {
                "table" => {
                    let v: LitStr = meta.value()?.parse()?;
                    if table.replace(v.value()).is_some() {
                        cx.error(&meta.path, "duplicate orm attribute `table`");
                    }
                }
                "crate" => {
                    let v: LitStr = meta.value()?.parse()?;
                    krate = Some(v.parse()?);
                }
                "id" => {
                    let list = ident_list(&meta)?;
                    if struct_id.replace(list).is_some() {
                        cx.error(&meta.path, "duplicate orm attribute `id`");
                    }
                }
                "unique" => struct_uniques.push(ident_list(&meta)?),
                "index" => struct_indexes.push(ident_list(&meta)?),
                "fulltext" => struct_fulltexts.push(ident_list(&meta)?),
                "renamed_from" => {
                    let v: LitStr = meta.value()?.parse()?;
                    if table_renamed_from.replace(v.value()).is_some() {
                        cx.error(&meta.path, "duplicate orm attribute `renamed_from`");
                    }
                }
                _ => {
                    return Err(meta.error(format!(
                        "unknown orm attribute `{}` on a model; expected `table`, `id(..)`, `unique(..)`, `index(..)`, `fulltext(..)`, `renamed_from` or `crate`",
                        path_str(&meta.path)
                    )));
                }
            }
            Ok(())
        });
        if let Err(e) = r {
            cx.push(e);
        }
    }

    if !input.generics.params.is_empty() {
        cx.error(&input.generics, "a model cannot be generic");
    }
    let named = match &input.data {
        syn::Data::Struct(syn::DataStruct {
            fields: syn::Fields::Named(named),
            ..
        }) => named,
        _ => {
            cx.error(
                &input.ident,
                "#[derive(Model)] needs a struct with named fields",
            );
            return None;
        }
    };

    let mut fields = Vec::new();
    // Relation fields with their attribute, validated once every column is known.
    let mut rel_fields: Vec<(&syn::Field, Option<RelAttr>)> = Vec::new();
    for f in &named.named {
        let ident = f.ident.as_ref().expect("named field");
        let mut field = Field {
            ident,
            ty: &f.ty,
            vis: &f.vis,
            column: ident.to_string().trim_start_matches("r#").to_owned(),
            id: false,
            unique: false,
            index: false,
            default: None,
            updated_at: None,
            db_type: None,
            renamed_from: None,
            is_option: is_option(&f.ty),
        };
        let mut seen: Vec<String> = Vec::new();
        let mut rel_attr: Option<RelAttr> = None;
        let mut rel_attr_written = false;
        let mut attr_errors = false;
        let mut column_keys: Vec<(syn::Path, String)> = Vec::new();
        for attr in f.attrs.iter().filter(|a| a.path().is_ident("orm")) {
            let r = attr.parse_nested_meta(|meta| {
                let key = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
                if seen.contains(&key) {
                    cx.error(&meta.path, format!("duplicate orm attribute `{key}`"));
                }
                seen.push(key.clone());
                let rel_kind = match key.as_str() {
                    "belongs_to" => Some(Wrapper::BelongsTo),
                    "has_one" => Some(Wrapper::HasOne),
                    "has_many" => Some(Wrapper::HasMany),
                    _ => None,
                };
                if let Some(kind) = rel_kind {
                    if rel_attr_written {
                        cx.error(&meta.path, "a field holds one relation: remove one of `belongs_to`, `has_one`, `has_many`");
                        return Ok(());
                    }
                    rel_attr_written = true;
                    rel_attr = Some(relation::parse_attr(cx, kind, &meta)?);
                    return Ok(());
                }
                const COLUMN_KEYS: &[&str] = &["id", "unique", "index", "updated_at", "column", "db_type", "default", "renamed_from"];
                if COLUMN_KEYS.contains(&key.as_str()) {
                    column_keys.push((meta.path.clone(), key.clone()));
                }
                match key.as_str() {
                    "id" => field.id = true,
                    "unique" => field.unique = true,
                    "index" => field.index = true,
                    "updated_at" => field.updated_at = Some(meta.path.span()),
                    "column" => field.column = meta.value()?.parse::<LitStr>()?.value(),
                    "db_type" => field.db_type = Some(meta.value()?.parse::<LitStr>()?.value()),
                    "renamed_from" => field.renamed_from = Some(meta.value()?.parse::<LitStr>()?.value()),
                    "default" => {
                        let expr: syn::Expr = meta.value()?.parse()?;
                        let special = match &expr {
                            syn::Expr::Path(p) if p.qself.is_none() => p.path.get_ident().map(|i| (i.to_string(), i.span())),
                            _ => None,
                        };
                        field.default = Some(match special {
                            Some((name, span)) if name == "cuid" => Default::Cuid(span),
                            Some((name, span)) if name == "uuid" => Default::Uuid(span),
                            Some((name, span)) if name == "uuid_v7" => Default::UuidV7(span),
                            Some((name, span)) if name == "autoincrement" => Default::Autoincrement(span),
                            Some((name, span)) if name == "now" => Default::Now(span),
                            _ => Default::Value(expr),
                        });
                    }
                    _ => {
                        let hint = if key.contains("belong") { " (did you mean `belongs_to`?)" } else if key.contains("has") { " (did you mean `has_many` or `has_one`?)" } else { "" };
                        return Err(meta.error(format!(
                            "unknown orm attribute `{}` on a field{hint}; expected `id`, `unique`, `index`, `column`, `default`, `updated_at`, `db_type`, `renamed_from`, `belongs_to(..)`, `has_one` or `has_many`",
                            path_str(&meta.path)
                        )));
                    }
                }
                Ok(())
            });
            if let Err(e) = r {
                attr_errors = true;
                cx.push(e);
            }
        }
        if rel_attr.is_some() || rel_attr_written || relation::wrapper(&f.ty).is_some() {
            if attr_errors || (rel_attr_written && rel_attr.is_none()) {
                // Already reported; a guess at the relation would only add noise.
                continue;
            }
            for (path, key) in &column_keys {
                cx.error(path, format!("`{key}` applies to columns, and `{ident}` is a relation; put it on the foreign-key field"));
            }
            rel_fields.push((f, rel_attr));
            continue;
        }
        if field.id && field.unique {
            cx.error(ident, "a primary key is already unique: remove `unique`");
        }
        if let Some(prev) = fields
            .iter()
            .find(|p: &&Field<'_>| p.column == field.column)
        {
            cx.error(ident, format!("`{ident}` and `{}` map to the same column `{}`: rename one with `#[orm(column = \"...\")]`", prev.ident, field.column));
        }
        if field.id && field.is_option {
            cx.error(
                field.ty,
                "a primary key cannot be nullable: remove `Option` or the `id` attribute",
            );
        }
        if field.updated_at.is_some() && field.default.is_some() {
            cx.error(
                ident,
                "`updated_at` already sets the value on create; remove `default`",
            );
        }
        fields.push(field);
    }

    let find = |cx: &mut Ctxt, list: &[Ident]| -> Vec<usize> {
        list.iter()
            .filter_map(|name| {
                let pos = fields.iter().position(|f| f.ident == name);
                if pos.is_none() {
                    if rel_fields
                        .iter()
                        .any(|(f, _)| f.ident.as_ref() == Some(name))
                    {
                        cx.error(
                            name,
                            format!(
                                "`{name}` is a relation, not a column: name its foreign-key field"
                            ),
                        );
                    } else {
                        cx.error(name, format!("no field `{name}` on `{}`", input.ident));
                    }
                }
                pos
            })
            .collect()
    };

    let field_ids: Vec<usize> = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.id)
        .map(|(i, _)| i)
        .collect();
    let primary_key = match (&struct_id, field_ids.as_slice()) {
        (Some(list), []) => {
            let pk = find(cx, list);
            for &i in &pk {
                if fields[i].is_option {
                    cx.error(fields[i].ty, "a primary key column cannot be nullable");
                }
            }
            pk
        }
        (None, [one]) => vec![*one],
        (Some(_), [first, ..]) => {
            cx.error(
                fields[*first].ident,
                "the model already has `#[orm(id(..))]` on the struct; remove one of them",
            );
            vec![]
        }
        (None, [_, second, ..]) => {
            cx.error(fields[*second].ident, "a model has one primary key: use `#[orm(id(a, b))]` on the struct for a composite key");
            vec![]
        }
        (None, []) => {
            cx.error(&input.ident, "a model needs a primary key: mark a field `#[orm(id)]` or add `#[orm(id(a, b))]` to the struct");
            vec![]
        }
    };

    let table = table.unwrap_or_else(|| naming::table_name(&input.ident.to_string()));
    let key_name = |cols: &[usize], suffix: &str| {
        let names: Vec<&str> = cols.iter().map(|&c| fields[c].column.as_str()).collect();
        format!("{}_{}_{}", table, names.join("_"), suffix)
    };
    let mut uniques = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        if f.unique {
            uniques.push(Key {
                name: key_name(&[i], "key"),
                fields: vec![i],
                fulltext: false,
            });
        }
    }
    for list in &struct_uniques {
        let cols = find(cx, list);
        uniques.push(Key {
            name: key_name(&cols, "key"),
            fields: cols,
            fulltext: false,
        });
    }
    let mut indexes = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        if f.index {
            indexes.push(Key {
                name: key_name(&[i], "idx"),
                fields: vec![i],
                fulltext: false,
            });
        }
    }
    for list in &struct_indexes {
        let cols = find(cx, list);
        indexes.push(Key {
            name: key_name(&cols, "idx"),
            fields: cols,
            fulltext: false,
        });
    }
    for list in &struct_fulltexts {
        let cols = find(cx, list);
        indexes.push(Key {
            name: key_name(&cols, "fts"),
            fields: cols,
            fulltext: true,
        });
    }

    for (i, f) in fields.iter().enumerate() {
        if let Some(Default::Autoincrement(span)) = &f.default
            && primary_key != [i]
        {
            cx.push(syn::Error::new(*span, "`autoincrement` applies to a single-column primary key only: add `#[orm(id)]` to this field or remove the default"));
        }
    }

    let mut relations = Vec::new();
    for (f, attr) in rel_fields {
        if let Some(r) = validate_relation(cx, &fields, &primary_key, f, attr) {
            relations.push(r);
        }
    }

    Some(Model {
        ident: &input.ident,
        vis: &input.vis,
        table,
        krate: krate.unwrap_or_else(|| syn::parse_quote!(::orm_runtime)),
        fields,
        relations,
        primary_key,
        uniques,
        indexes,
        renamed_from: table_renamed_from,
    })
}

fn path_str(path: &syn::Path) -> String {
    quote::quote!(#path).to_string().replace(' ', "")
}

fn validate_relation<'a>(
    cx: &mut Ctxt,
    fields: &[Field<'a>],
    primary_key: &[usize],
    f: &'a syn::Field,
    attr: Option<RelAttr>,
) -> Option<RelField<'a>> {
    let ident = f.ident.as_ref().expect("named field");
    let Some((wrapper, target, optional)) = relation::wrapper(&f.ty) else {
        let kind = attr.as_ref().map(|a| a.kind).unwrap_or(Wrapper::HasMany);
        cx.error(
            &f.ty,
            format!(
                "a `{}` relation field must have type `{}<T>` of a model `T`",
                kind.attr(),
                kind.type_name()
            ),
        );
        return None;
    };
    let attr = match attr {
        Some(a) => a,
        None if wrapper == Wrapper::BelongsTo => {
            cx.error(
                &f.ty,
                format!("`{ident}` needs `#[orm(belongs_to(fk = <foreign-key field>))]`"),
            );
            return None;
        }
        None => RelAttr {
            kind: wrapper,
            span: ident.span(),
            fk: None,
            on_delete: None,
            on_update: None,
            index: None,
            inverse: None,
        },
    };
    if attr.kind != wrapper {
        cx.push(syn::Error::new(
            attr.span,
            format!(
                "`{}` needs a field of type `{}<T>`, and `{ident}` is a `{}`",
                attr.kind.attr(),
                attr.kind.type_name(),
                wrapper.type_name()
            ),
        ));
        return None;
    }
    let mut fk = None;
    if wrapper == Wrapper::BelongsTo {
        let Some(fk_ident) = attr.fk.clone() else {
            cx.push(syn::Error::new(
                attr.span,
                "`belongs_to` needs `fk = <field>`: the field of this model holding the key of the related row".to_string(),
            ));
            return None;
        };
        let Some(pos) = fields.iter().position(|c| *c.ident == fk_ident) else {
            cx.error(
                &fk_ident,
                format!("no column field `{fk_ident}` for the foreign key of `{ident}`"),
            );
            return None;
        };
        let nullable = fields[pos].is_option;
        if nullable && !optional {
            cx.error(
                &f.ty,
                format!("the foreign key `{fk_ident}` is nullable, so `{ident}` may be absent: write `BelongsTo<Option<..>>`"),
            );
        } else if !nullable && optional {
            cx.error(
                &f.ty,
                format!("the foreign key `{fk_ident}` is not nullable, so `{ident}` is always present: write `BelongsTo<..>` without `Option`"),
            );
        }
        if !nullable && attr.on_delete.as_ref().is_some_and(|a| a == "SetNull") {
            cx.error(
                attr.on_delete.as_ref().unwrap(),
                format!(
                    "`SetNull` needs a nullable foreign key, and `{fk_ident}` is not an `Option`"
                ),
            );
        }
        fk = Some((pos, fk_ident));
    } else if primary_key.len() > 1 {
        cx.push(syn::Error::new(
            attr.span,
            "a model with a composite primary key cannot have `has_one`/`has_many` relations yet: give it a single-column id",
        ));
    }
    let on_delete = attr
        .on_delete
        .map(|a| a.to_string())
        .unwrap_or_else(|| if optional { "SetNull" } else { "Restrict" }.to_owned());
    let on_update = attr
        .on_update
        .map(|a| a.to_string())
        .unwrap_or_else(|| "Cascade".to_owned());
    Some(RelField {
        ident,
        ty: &f.ty,
        vis: &f.vis,
        kind: wrapper,
        target,
        optional,
        fk,
        on_delete,
        on_update,
        fk_index: attr.index.unwrap_or(true),
        inverse: attr.inverse,
    })
}
