//! Typed JSON columns.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{DecodeError, RowRef, Scalar, ScalarKind};
use crate::value::Value;

/// A JSON column holding a typed document (serde), stored as `JSONB` / `JSON` / `TEXT`.
///
/// ```
/// use orm_runtime::Json;
/// #[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
/// struct Meta { source: String, tags: Vec<String> }
/// let m = Json(Meta { source: "web".into(), tags: vec![] });
/// assert_eq!(m.0.source, "web");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Json<T>(pub T);

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: Serialize> Serialize for Json<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Json<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Json)
    }
}

impl<T> Scalar for Json<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    const KIND: ScalarKind = ScalarKind::Json;
    fn into_value(self) -> Value {
        self.to_value()
    }
    fn to_value(&self) -> Value {
        // Serializing a value that serde can represent cannot fail except for maps with non-string
        // keys; such a value is stored as JSON null rather than aborting the write.
        Value::Json(serde_json::to_value(&self.0).unwrap_or(serde_json::Value::Null))
    }
    fn decode(row: RowRef<'_>, index: usize) -> Result<Self, DecodeError> {
        row.json(index).map(Json)
    }
}

impl<T> super::FieldType for Json<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    type Scalar = Self;
    const NULLABLE: bool = false;
    fn into_value(self) -> Value {
        Scalar::into_value(self)
    }
    fn to_value(&self) -> Value {
        Scalar::to_value(self)
    }
    fn decode(row: RowRef<'_>, index: usize) -> Result<Self, DecodeError> {
        Scalar::decode(row, index)
    }
}
