//! Stage 2 of `#[derive(Model)]`: the checked model. Built from the attributes [`super::attr`] read,
//! with every check that looks at more than one key or field: the primary key, the fields a key
//! names, foreign keys, relation shapes. It keeps the `syn` nodes, so the errors of later stages
//! (and of the compiler, on generated code) still point at the user's tokens.
//!
//! A failed check still leaves a model, as complete as the mistake allows: the fallback expansion
//! emits its API so that other models and selects naming this one do not fail with it.

use proc_macro2::Span;
use syn::{DeriveInput, Ident, Visibility};

use super::attr::{self, Default, RelationKind};
use crate::internals::ctxt::Ctxt;
use crate::internals::naming;
use crate::internals::ty::{generic_arg, is_option, path_str};

pub struct Model<'a> {
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub krate: syn::Path,
    pub table: String,
    pub renamed_from: Option<String>,
    /// The column fields, in declaration order (a column's index is its position here).
    pub fields: Vec<Field<'a>>,
    pub relations: Vec<Relation<'a>>,
    /// Indexes into `fields`.
    pub primary_key: Vec<usize>,
    pub uniques: Vec<Key>,
    pub indexes: Vec<Key>,
}

/// A column field.
pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a syn::Type,
    pub vis: &'a Visibility,
    pub column: String,
    /// A single-column unique constraint (`#[orm(unique)]`).
    pub unique: bool,
    pub default: Option<Default>,
    pub updated_at: Option<Span>,
    /// `#[orm(soft_delete)]`: the column marking soft-deleted rows.
    pub soft_delete: Option<Span>,
    pub db_type: Option<String>,
    pub renamed_from: Option<String>,
    pub is_option: bool,
}

/// A unique constraint or an index.
pub struct Key {
    pub name: String,
    /// Indexes into [`Model::fields`].
    pub fields: Vec<usize>,
    /// A full-text index: its language and weights (`'A'`..`'D'` per field, or none).
    pub fulltext: Option<(String, Vec<char>)>,
}

/// A relation field.
pub struct Relation<'a> {
    pub ident: &'a Ident,
    pub ty: &'a syn::Type,
    pub vis: &'a Visibility,
    /// As the field type says (`BelongsTo<..>` is a `BelongsTo` whatever the attribute says).
    pub kind: RelationKind,
    /// The related model.
    pub target: &'a syn::Type,
    pub optional: bool,
    /// `BelongsTo`: the foreign-key column (index into [`Model::fields`]) and the `fk = ..` ident.
    /// `None` on a `BelongsTo` only in a model with errors.
    pub fk: Option<(usize, Ident)>,
    pub on_delete: String,
    pub on_update: String,
    pub fk_index: bool,
    pub inverse: Option<Ident>,
}

/// A relation wrapper type: `(kind, target model type, optional)`.
pub fn relation_type(ty: &syn::Type) -> Option<(RelationKind, &syn::Type, bool)> {
    let (kind, inner) = RelationKind::ALL
        .into_iter()
        .find_map(|k| generic_arg(ty, k.type_name()).map(|t| (k, t)))?;
    if kind == RelationKind::BelongsTo
        && let Some(t) = generic_arg(inner, "Option")
    {
        return Some((kind, t, true));
    }
    Some((kind, inner, kind != RelationKind::BelongsTo))
}

/// A relation field waiting for every column to be known.
struct PendingRelation<'a> {
    field: &'a syn::Field,
    attr: Option<attr::Relation>,
    /// False when its attribute already failed: a guess at the relation would only add noise.
    check: bool,
}

impl<'a> Model<'a> {
    /// The checked model, or `None` when the input cannot be a model at all (not a struct with named
    /// fields, or generic), which leaves nothing to fall back on.
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Option<Model<'a>> {
        let container = attr::Container::from_ast(cx, input);
        let generic = !input.generics.params.is_empty();
        if generic {
            cx.error_spanned_by(&input.generics, "a model cannot be generic");
        }
        let syn::Data::Struct(syn::DataStruct {
            fields: syn::Fields::Named(named),
            ..
        }) = &input.data
        else {
            cx.error_spanned_by(
                &input.ident,
                "#[derive(Model)] needs a struct with named fields",
            );
            return None;
        };

        let mut fields: Vec<Field<'a>> = Vec::new();
        // `(id, index)` per column, for the keys resolved below.
        let mut flags: Vec<(bool, bool)> = Vec::new();
        let mut pending: Vec<PendingRelation<'a>> = Vec::new();
        for f in &named.named {
            let a = attr::Field::from_ast(cx, f);
            if a.relation.is_some() || a.relation_written || relation_type(&f.ty).is_some() {
                pending.push(PendingRelation::new(cx, f, a));
            } else {
                flags.push((a.id, a.index));
                let column = Field::new(cx, f, a, &fields);
                fields.push(column);
            }
        }

        let columns = Columns {
            cx,
            model: &input.ident,
            fields: &fields,
            relations: &pending,
        };
        let flagged: Vec<usize> = (0..fields.len()).filter(|&i| flags[i].0).collect();
        let primary_key = columns.primary_key(container.id.as_deref(), &flagged);
        let table = container
            .table
            .unwrap_or_else(|| naming::table_name(&input.ident.to_string()));
        let single = |i: usize, suffix| columns.key(&table, vec![i], suffix);
        let mut uniques: Vec<Key> = (0..fields.len())
            .filter(|&i| fields[i].unique)
            .map(|i| single(i, "key"))
            .collect();
        for list in &container.uniques {
            uniques.push(columns.key(&table, columns.find(list), "key"));
        }
        let mut indexes: Vec<Key> = (0..fields.len())
            .filter(|&i| flags[i].1)
            .map(|i| single(i, "idx"))
            .collect();
        for list in &container.indexes {
            indexes.push(columns.key(&table, columns.find(list), "idx"));
        }
        for ft in &container.fulltexts {
            let mut key = columns.key(&table, columns.find(&ft.columns), "fts");
            let language = ft
                .language
                .as_ref()
                .map_or_else(|| "simple".to_owned(), |(l, _)| l.clone());
            // Weighted: every field has a weight (`D`, the lowest, where none is given).
            let weights = if ft.weights.iter().any(Option::is_some) {
                ft.weights
                    .iter()
                    .map(|w| w.map_or('D', |(c, _)| c))
                    .collect()
            } else {
                Vec::new()
            };
            key.fulltext = Some((language, weights));
            indexes.push(key);
        }

        for (i, f) in fields.iter().enumerate() {
            if let Some(Default::Autoincrement(span)) = &f.default
                && primary_key != [i]
            {
                cx.error_at(*span, "`autoincrement` applies to a single-column primary key only: add `#[orm(id)]` to this field or remove the default");
            }
        }

        let relations = pending
            .into_iter()
            .filter_map(|r| Relation::from_pending(cx, &fields, &primary_key, r))
            .collect();

        let mut soft = fields.iter().filter_map(|f| f.soft_delete);
        if let (Some(_), Some(second)) = (soft.next(), soft.next()) {
            cx.syn_error(syn::Error::new(
                second,
                "a model has one `soft_delete` column: remove this one or the other",
            ));
        }
        if generic {
            return None;
        }
        Some(Model {
            ident: &input.ident,
            vis: &input.vis,
            krate: crate::internals::krate_or_default(container.krate),
            table,
            renamed_from: container.renamed_from,
            fields,
            relations,
            primary_key,
            uniques,
            indexes,
        })
    }
}

impl<'a> Field<'a> {
    /// The column of a field that is no relation, checked against its own attributes and the
    /// columns before it.
    fn new(cx: &Ctxt, f: &'a syn::Field, a: attr::Field, before: &[Field<'a>]) -> Self {
        let ident = f.ident.as_ref().expect("named field");
        let field = Field {
            ident,
            ty: &f.ty,
            vis: &f.vis,
            column: a
                .column
                .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned()),
            unique: a.unique,
            default: a.default,
            updated_at: a.updated_at,
            soft_delete: a.soft_delete,
            db_type: a.db_type,
            renamed_from: a.renamed_from,
            is_option: is_option(&f.ty),
        };
        if a.id && a.unique {
            cx.error_spanned_by(ident, "a primary key is already unique: remove `unique`");
        }
        if let Some(prev) = before.iter().find(|p| p.column == field.column) {
            cx.error_spanned_by(
                ident,
                format!(
                    "`{ident}` and `{}` map to the same column `{}`: rename one with `#[orm(column = \"...\")]`",
                    prev.ident, field.column
                ),
            );
        }
        if a.id && field.is_option {
            cx.error_spanned_by(
                field.ty,
                "a primary key cannot be nullable: remove `Option` or the `id` attribute",
            );
        }
        if field.soft_delete.is_some() && (field.default.is_some() || field.updated_at.is_some()) {
            cx.error_spanned_by(
                ident,
                "a `soft_delete` column is `None` until the row is deleted: remove `default` and `updated_at`",
            );
        }
        if field.updated_at.is_some() && field.default.is_some() {
            cx.error_spanned_by(
                ident,
                "`updated_at` already sets the value on create; remove `default`",
            );
        }
        field
    }
}

/// The columns, for resolving the field names keys list.
struct Columns<'c, 'a> {
    cx: &'c Ctxt,
    model: &'a Ident,
    fields: &'c [Field<'a>],
    relations: &'c [PendingRelation<'a>],
}

impl Columns<'_, '_> {
    /// The columns `list` names; a name that is no column is an error, and left out.
    fn find(&self, list: &[Ident]) -> Vec<usize> {
        list.iter()
            .filter_map(|name| {
                let pos = self.fields.iter().position(|f| f.ident == name);
                if pos.is_none() {
                    if self
                        .relations
                        .iter()
                        .any(|r| r.field.ident.as_ref() == Some(name))
                    {
                        self.cx.error_spanned_by(
                            name,
                            format!(
                                "`{name}` is a relation, not a column: name its foreign-key field"
                            ),
                        );
                    } else {
                        self.cx.error_spanned_by(
                            name,
                            format!("no field `{name}` on `{}`", self.model),
                        );
                    }
                }
                pos
            })
            .collect()
    }

    /// The primary key from `#[orm(id(..))]` on the struct or the fields marked `#[orm(id)]`
    /// (`flagged`). After a mistake it is a guess, so a fallback can still give the model a key type.
    fn primary_key(&self, struct_id: Option<&[Ident]>, flagged: &[usize]) -> Vec<usize> {
        let cx = self.cx;
        match (struct_id, flagged) {
            (Some(list), []) => {
                let pk = self.find(list);
                for &i in &pk {
                    if self.fields[i].is_option {
                        cx.error_spanned_by(
                            self.fields[i].ty,
                            "a primary key column cannot be nullable",
                        );
                    }
                }
                pk
            }
            (None, [one]) => vec![*one],
            (Some(_), [first, ..]) => {
                cx.error_spanned_by(
                    self.fields[*first].ident,
                    "the model already has `#[orm(id(..))]` on the struct; remove one of them",
                );
                flagged.to_vec()
            }
            (None, [first, second, ..]) => {
                cx.error_spanned_by(
                    self.fields[*second].ident,
                    "a model has one primary key: use `#[orm(id(a, b))]` on the struct for a composite key",
                );
                vec![*first]
            }
            (None, []) => {
                cx.error_spanned_by(
                    self.model,
                    "a model needs a primary key: mark a field `#[orm(id)]` or add `#[orm(id(a, b))]` to the struct",
                );
                vec![]
            }
        }
    }

    /// A key over `cols`, named `<table>_<column>_.._<suffix>`.
    fn key(&self, table: &str, cols: Vec<usize>, suffix: &str) -> Key {
        let names: Vec<&str> = cols
            .iter()
            .map(|&c| self.fields[c].column.as_str())
            .collect();
        Key {
            name: format!("{}_{}_{}", table, names.join("_"), suffix),
            fields: cols,
            fulltext: None,
        }
    }
}

impl<'a> PendingRelation<'a> {
    fn new(cx: &Ctxt, field: &'a syn::Field, a: attr::Field) -> Self {
        let ident = field.ident.as_ref().expect("named field");
        let check = !(a.failed || a.relation_written && a.relation.is_none());
        if check {
            for path in &a.column_keys {
                cx.error_spanned_by(
                    path,
                    format!(
                        "`{}` applies to columns, and `{ident}` is a relation; put it on the foreign-key field",
                        path_str(path)
                    ),
                );
            }
        }
        PendingRelation {
            field,
            attr: a.relation,
            check,
        }
    }
}

impl<'a> Relation<'a> {
    /// The relation of a field whose type or attribute says it is one. Checks its shape against its
    /// attribute and its foreign key against the columns; `None` when its type is no relation type,
    /// so not even a fallback can treat it as one.
    fn from_pending(
        cx: &Ctxt,
        fields: &[Field<'a>],
        primary_key: &[usize],
        pending: PendingRelation<'a>,
    ) -> Option<Self> {
        let PendingRelation {
            field: f,
            attr,
            mut check,
        } = pending;
        let ident = f.ident.as_ref().expect("named field");
        let Some((kind, target, optional)) = relation_type(&f.ty) else {
            if check {
                let kind = attr.as_ref().map_or(RelationKind::HasMany, |a| a.kind);
                cx.error_spanned_by(
                    &f.ty,
                    format!(
                        "a `{}` relation field must have type `{}<T>` of a model `T`",
                        kind.attr(),
                        kind.type_name()
                    ),
                );
            }
            return None;
        };
        // Each of the mistakes below makes the following checks guesses: report the first only.
        let attr = match attr {
            Some(a) => a,
            None => {
                if kind == RelationKind::BelongsTo && check {
                    cx.error_spanned_by(
                        &f.ty,
                        format!("`{ident}` needs `#[orm(belongs_to(fk = <foreign-key field>))]`"),
                    );
                    check = false;
                }
                attr::Relation {
                    kind,
                    span: ident.span(),
                    fk: None,
                    on_delete: None,
                    on_update: None,
                    index: None,
                    inverse: None,
                }
            }
        };
        if attr.kind != kind && check {
            cx.error_at(
                attr.span,
                format!(
                    "`{}` needs a field of type `{}<T>`, and `{ident}` is a `{}`",
                    attr.kind.attr(),
                    attr.kind.type_name(),
                    kind.type_name()
                ),
            );
            check = false;
        }
        let mut fk = None;
        if kind == RelationKind::BelongsTo {
            match &attr.fk {
                None if check => cx.error_at(
                    attr.span,
                    "`belongs_to` needs `fk = <field>`: the field of this model holding the key of the related row",
                ),
                None => {}
                Some(fk_ident) => match fields.iter().position(|c| c.ident == fk_ident) {
                    None if check => cx.error_spanned_by(
                        fk_ident,
                        format!("no column field `{fk_ident}` for the foreign key of `{ident}`"),
                    ),
                    None => {}
                    Some(pos) => {
                        if check {
                            check_foreign_key(cx, &fields[pos], f, &attr, optional);
                        }
                        fk = Some((pos, fk_ident.clone()));
                    }
                },
            }
        } else if kind != RelationKind::BelongsTo && primary_key.len() > 1 && check {
            cx.error_at(
                attr.span,
                "a model with a composite primary key cannot have `has_one`/`has_many` relations yet: give it a single-column id",
            );
        }
        let on_delete = attr.on_delete.map_or_else(
            || if optional { "SetNull" } else { "Restrict" }.to_owned(),
            |a| a.to_string(),
        );
        let on_update = attr
            .on_update
            .map_or_else(|| "Cascade".to_owned(), |a| a.to_string());
        Some(Relation {
            ident,
            ty: &f.ty,
            vis: &f.vis,
            kind,
            target,
            optional,
            fk,
            on_delete,
            on_update,
            fk_index: attr.index.unwrap_or(true),
            inverse: attr.inverse,
        })
    }
}

/// A `belongs_to`'s nullability against its foreign key's, and `SetNull` against a required key.
fn check_foreign_key(
    cx: &Ctxt,
    fk: &Field<'_>,
    field: &syn::Field,
    attr: &attr::Relation,
    optional: bool,
) {
    let ident = field.ident.as_ref().expect("named field");
    let fk_ident = fk.ident;
    if fk.is_option && !optional {
        cx.error_spanned_by(
            &field.ty,
            format!("the foreign key `{fk_ident}` is nullable, so `{ident}` may be absent: write `BelongsTo<Option<..>>`"),
        );
    } else if !fk.is_option && optional {
        cx.error_spanned_by(
            &field.ty,
            format!("the foreign key `{fk_ident}` is not nullable, so `{ident}` is always present: write `BelongsTo<..>` without `Option`"),
        );
    }
    if let Some(action) = &attr.on_delete
        && !fk.is_option
        && action == "SetNull"
    {
        cx.error_spanned_by(
            action,
            format!("`SetNull` needs a nullable foreign key, and `{fk_ident}` is not an `Option`"),
        );
    }
}
