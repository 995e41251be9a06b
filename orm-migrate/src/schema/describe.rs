//! The schema the models describe, as a [`DbSchema`] for one dialect.

use orm_core::__migrate::native::{model_default, model_type, text_collation};
use orm_core::model::{DefaultDef, ModelDef, fit_identifier};
use orm_core::relation::{RelationDef, RelationKind};
use orm_core::schema::{
    Column, ColumnType, DbSchema, EnumType, ForeignKey, Index, PrimaryKey, Table,
};
use orm_core::sql::Dialect;

/// The `belongs_to` relations of a model: its foreign keys.
pub(crate) fn foreign_keys(m: &ModelDef) -> impl Iterator<Item = &'static RelationDef> + '_ {
    m.relations
        .iter()
        .filter(|r| r.kind == RelationKind::BelongsTo)
}

/// The foreign-key constraint name: `<table>_<column>_fkey`.
pub(crate) fn fk_name(m: &ModelDef, r: &RelationDef) -> String {
    fit_identifier(&format!("{}_{}_fkey", m.table, m.columns[r.fk[0]].name)).into_owned()
}

/// Indexes on foreign keys that no primary key, unique constraint or index starts with (PostgreSQL
/// and SQLite do not create them; without one, a relation count or an include scans the table).
/// Named `<table>_<column>_idx`; a relation opts out with `belongs_to(.., index = false)`.
pub(crate) fn fk_indexes(m: &ModelDef) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for r in foreign_keys(m).filter(|r| r.fk_index) {
        let col = r.fk[0];
        let covered = m.primary_key.first() == Some(&col)
            || m.uniques.iter().any(|u| u.columns.first() == Some(&col))
            || m.indexes
                .iter()
                .any(|i| i.fulltext.is_none() && i.columns.first() == Some(&col))
            || out.iter().any(|(_, c)| *c == col);
        if !covered {
            let name = format!("{}_{}_idx", m.table, m.columns[col].name);
            out.push((fit_identifier(&name).into_owned(), col));
        }
    }
    out
}

/// The schema `models` describe on `d`.
pub fn describe(models: &[&'static ModelDef], d: Dialect) -> DbSchema {
    let mut schema = DbSchema::default();
    for m in models {
        let names = |cols: &[usize]| -> Vec<String> {
            cols.iter().map(|&c| m.columns[c].name.to_owned()).collect()
        };
        let mut table = Table {
            name: m.table.to_owned(),
            columns: Vec::with_capacity(m.columns.len()),
            primary_key: (!m.primary_key.is_empty()).then(|| PrimaryKey {
                name: m.primary_key_name(),
                columns: names(m.primary_key),
            }),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            renamed_from: m.renamed_from.map(str::to_owned),
        };
        for c in m.columns {
            let ty = model_type(d, c);
            if let (true, ColumnType::Enum { name, variants }) = (d.capabilities().named_enums, &ty)
                && schema.enum_type(name).is_none()
            {
                schema.enums.push(EnumType {
                    name: name.clone(),
                    variants: variants.clone(),
                });
            }
            table.columns.push(Column {
                name: c.name.to_owned(),
                default: model_default(d, c, &ty),
                collation: text_collation(d, &ty).map(str::to_owned),
                ty,
                nullable: c.nullable,
                autoincrement: matches!(c.default, Some(DefaultDef::Autoincrement)),
                renamed_from: c.renamed_from.map(str::to_owned),
            });
        }
        for u in m.uniques {
            table.indexes.push(Index {
                name: u.db_name().into_owned(),
                columns: names(u.columns),
                unique: true,
                fulltext: false,
                language: None,
                weights: Vec::new(),
                predicate: None,
            });
        }
        for i in m.indexes {
            // What the backend's index keeps of a full-text declaration (and so compares).
            let (language, weights) = match &i.fulltext {
                Some(f) => d.ddl().fulltext_form(f.language, f.weights),
                None => (None, Vec::new()),
            };
            table.indexes.push(Index {
                name: i.db_name().into_owned(),
                columns: names(i.columns),
                unique: false,
                fulltext: i.fulltext.is_some(),
                language,
                weights,
                predicate: None,
            });
        }
        for (name, col) in fk_indexes(m) {
            table.indexes.push(Index {
                name,
                columns: names(&[col]),
                unique: false,
                fulltext: false,
                language: None,
                weights: Vec::new(),
                predicate: None,
            });
        }
        for r in foreign_keys(m) {
            let target = (r.target)();
            table.foreign_keys.push(ForeignKey {
                name: fk_name(m, r),
                columns: names(r.fk),
                referenced_table: target.table.to_owned(),
                referenced_columns: vec![r.target_column().name.to_owned()],
                on_delete: r.on_delete,
                on_update: r.on_update,
            });
        }
        schema.tables.push(table);
    }
    schema
}
