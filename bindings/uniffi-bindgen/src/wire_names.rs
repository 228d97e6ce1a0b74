//! The JSON names of a model's fields, read from its serde `Deserialize` implementation: the
//! derive hands `deserialize_struct` the wire names (after `rename`) in declaration order, so a
//! deserializer that only records them gives the names serde reads and writes.

use serde::de::{self, Deserialize, Deserializer, Visitor};
use std::fmt;

#[derive(Debug)]
struct Recorded(Vec<String>);

impl fmt::Display for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("fields recorded")
    }
}

impl std::error::Error for Recorded {}

impl de::Error for Recorded {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Recorded(Vec::new())
    }
}

struct FieldRecorder;

impl<'de> Deserializer<'de> for FieldRecorder {
    type Error = Recorded;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Recorded> {
        Err(Recorded(Vec::new()))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Recorded> {
        Err(Recorded(fields.iter().map(|f| (*f).to_owned()).collect()))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The wire names of `T`'s fields in declaration order (empty when `T` is not a plain struct).
pub fn of<'de, T: Deserialize<'de>>() -> Vec<String> {
    match T::deserialize(FieldRecorder) {
        Ok(_) => Vec::new(),
        Err(Recorded(fields)) => fields,
    }
}
