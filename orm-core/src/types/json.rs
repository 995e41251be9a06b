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
        // Maps with non-string keys, and NaN or infinite floats, have no JSON form: the statement
        // is refused rather than storing something else.
        if self.0.serialize(finite::Check).is_err() {
            return Value::Invalid("JSON has no form for NaN or an infinite float".into());
        }
        match serde_json::to_value(&self.0) {
            Ok(v) => Value::Json(v),
            Err(e) => Value::Invalid(format!("the value has no JSON form: {e}")),
        }
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

/// A serializer that only looks for floats JSON cannot hold: serde_json writes NaN and ±infinity as
/// `null`, which would store something other than the value.
mod finite {
    use serde::ser::{self, Serialize};

    #[derive(Debug)]
    pub(super) struct NotFinite;

    impl std::fmt::Display for NotFinite {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a float that is not finite")
        }
    }

    impl std::error::Error for NotFinite {}

    impl ser::Error for NotFinite {
        fn custom<T: std::fmt::Display>(_: T) -> Self {
            NotFinite
        }
    }

    pub(super) struct Check;

    type R = Result<(), NotFinite>;

    macro_rules! ok {
        ($($f:ident($t:ty)),*) => {$( fn $f(self, _: $t) -> R { Ok(()) } )*};
    }

    impl ser::Serializer for Check {
        type Ok = ();
        type Error = NotFinite;
        type SerializeSeq = Check;
        type SerializeTuple = Check;
        type SerializeTupleStruct = Check;
        type SerializeTupleVariant = Check;
        type SerializeMap = Check;
        type SerializeStruct = Check;
        type SerializeStructVariant = Check;

        ok!(
            serialize_bool(bool),
            serialize_i8(i8),
            serialize_i16(i16),
            serialize_i32(i32),
            serialize_i64(i64),
            serialize_i128(i128),
            serialize_u8(u8),
            serialize_u16(u16),
            serialize_u32(u32),
            serialize_u64(u64),
            serialize_u128(u128),
            serialize_char(char),
            serialize_str(&str),
            serialize_bytes(&[u8]),
            serialize_unit_struct(&'static str)
        );

        fn serialize_f32(self, v: f32) -> R {
            if v.is_finite() {
                Ok(())
            } else {
                Err(NotFinite)
            }
        }
        fn serialize_f64(self, v: f64) -> R {
            if v.is_finite() {
                Ok(())
            } else {
                Err(NotFinite)
            }
        }
        fn serialize_none(self) -> R {
            Ok(())
        }
        fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> R {
            v.serialize(Check)
        }
        fn serialize_unit(self) -> R {
            Ok(())
        }
        fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> R {
            Ok(())
        }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> R {
            v.serialize(Check)
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            v: &T,
        ) -> R {
            v.serialize(Check)
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Check, NotFinite> {
            Ok(Check)
        }
        fn serialize_tuple(self, _: usize) -> Result<Check, NotFinite> {
            Ok(Check)
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Check, NotFinite> {
            Ok(Check)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Check, NotFinite> {
            Ok(Check)
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Check, NotFinite> {
            Ok(Check)
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Check, NotFinite> {
            Ok(Check)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Check, NotFinite> {
            Ok(Check)
        }
    }

    macro_rules! compound {
        ($($tr:ident: $f:ident;)*) => {$(
            impl ser::$tr for Check {
                type Ok = ();
                type Error = NotFinite;
                fn $f<T: ?Sized + Serialize>(&mut self, v: &T) -> R {
                    v.serialize(Check)
                }
                fn end(self) -> R {
                    Ok(())
                }
            }
        )*};
    }
    compound! {
        SerializeSeq: serialize_element;
        SerializeTuple: serialize_element;
        SerializeTupleStruct: serialize_field;
        SerializeTupleVariant: serialize_field;
    }

    impl ser::SerializeMap for Check {
        type Ok = ();
        type Error = NotFinite;
        fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> R {
            k.serialize(Check)
        }
        fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> R {
            v.serialize(Check)
        }
        fn end(self) -> R {
            Ok(())
        }
    }

    impl ser::SerializeStruct for Check {
        type Ok = ();
        type Error = NotFinite;
        fn serialize_field<T: ?Sized + Serialize>(&mut self, _: &'static str, v: &T) -> R {
            v.serialize(Check)
        }
        fn end(self) -> R {
            Ok(())
        }
    }

    impl ser::SerializeStructVariant for Check {
        type Ok = ();
        type Error = NotFinite;
        fn serialize_field<T: ?Sized + Serialize>(&mut self, _: &'static str, v: &T) -> R {
            v.serialize(Check)
        }
        fn end(self) -> R {
            Ok(())
        }
    }
}
