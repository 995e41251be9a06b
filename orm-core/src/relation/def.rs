//! The relation descriptors (defined with the model descriptors they refer to, in `model/def.rs`).

pub use crate::model::def::{Action, Link, RelationDef, RelationKind};
