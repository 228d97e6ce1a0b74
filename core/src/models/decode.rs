//! Decoding of the models that keep unknown fields in `extra`.
//!
//! `#[serde(flatten)]` would collect them too, but it buffers every field of every record in an
//! intermediate tree first (and loses the line and column of a decode error); on a page of 1000
//! records that was about a fifth of the decode time. [`model_with_extra!`] writes the
//! `Deserialize` impl instead: one pass over the object, the modelled fields matched by name,
//! every other field moved into `extra` as it comes.

use serde::de::{Deserialize, Deserializer, Visitor};
use std::fmt;

/// Decodes a JSON response body. The body is checked to be UTF-8 once, whole, and parsed as
/// text, which spares serde_json a check of every string it reads (about a seventh of the decode
/// time of a page of 1000 records) and keeps one decoder per type in the library. A body that is
/// not UTF-8 is an error that says where its first bad byte is.
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(error) => Err(not_utf8(body, error.valid_up_to())),
    }
}

/// The error of a body whose first `valid` bytes are UTF-8 and the next one is not, with the
/// line and column (1-based, in bytes) of that byte.
fn not_utf8(body: &[u8], valid: usize) -> serde_json::Error {
    let before = body.get(..valid).unwrap_or(body);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = before.len() - line_start + 1;
    serde::de::Error::custom(format!(
        "the body is not UTF-8: invalid byte at line {line} column {column}"
    ))
}

/// An object key, borrowed from the input when it has no escapes.
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }

    pub(crate) fn into_string(self) -> String {
        match self {
            Key::Borrowed(key) => key.to_owned(),
            Key::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(key))
            }
            fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key.to_owned()))
            }
            fn visit_string<E>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Defines a model struct that keeps its unknown fields in `extra`, and its one-pass
/// `Deserialize`; each field is written once:
///
/// ```ignore
/// model_with_extra! {
///     /// A segment.
///     #[derive(Debug, Clone, PartialEq, Eq)]
///     #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
///     pub struct Segment {
///         /// Segment id.
///         id: String = required,
///         /// Status.
///         #[serde(skip_serializing_if = "Option::is_none")]
///         status: Option<String> = optional,
///         /// Decoded by its own function, named `type` on the wire.
///         kind: Vec<Kind> = with(super::null_as_default) as "type",
///     }
/// }
/// ```
///
/// `required`: absent is an error (`missing field`); `optional`: absent is the type's default
/// (`None`); `with(f)`: decoded by `f` (a `deserialize_with` function), absent is the default.
/// `as "name"` gives the wire name when it is not the field's (the macro adds the serde rename).
/// A field given twice is an error, like serde's derive. The macro adds `pub` to every field,
/// the `Serialize` derive, `#[non_exhaustive]` and the documented `extra` field (the uniffi
/// derive, where the model has one, is among the struct's own attributes).
macro_rules! model_with_extra {
    (
        $(#[$meta:meta])*
        pub struct $model:ident {
            $(
                $(#[$field_meta:meta])*
                $field:ident: $ty:ty = $kind:ident $(($with:path))? $(as $wire:literal)?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(serde::Serialize)]
        #[non_exhaustive]
        pub struct $model {
            $(
                $(#[$field_meta])*
                $(#[serde(rename = $wire)])?
                pub $field: $ty,
            )*
            /// Fields of the response this SDK does not model yet, exactly as received (forward
            /// compatibility: what Amperity adds is kept, not dropped).
            #[serde(flatten)]
            pub extra: $crate::models::Extra,
        }

        impl<'de> serde::Deserialize<'de> for $model {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ModelVisitor;
                impl<'de> serde::de::Visitor<'de> for ModelVisitor {
                    type Value = $model;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($model), " object"))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$model, A::Error> {
                        $(let mut $field: Option<$ty> = None;)*
                        let mut extra = $crate::models::Extra::new();
                        while let Some(key) = map.next_key::<$crate::models::decode::Key<'de>>()? {
                            match key.as_str() {
                                $(model_with_extra!(@wire $field $($wire)?) => {
                                    if $field.is_some() {
                                        return Err(<A::Error as serde::de::Error>::duplicate_field(
                                            model_with_extra!(@wire $field $($wire)?),
                                        ));
                                    }
                                    $field = Some(model_with_extra!(@value map, $ty $(, $with)?));
                                })*
                                _ => {
                                    let value: serde_json::Value = map.next_value()?;
                                    extra.insert(key.into_string(), value);
                                }
                            }
                        }
                        Ok($model {
                            $($field: model_with_extra!(
                                @finish $field, $kind, model_with_extra!(@wire $field $($wire)?)
                            ),)*
                            extra,
                        })
                    }
                }
                deserializer.deserialize_map(ModelVisitor)
            }
        }
    };
    (@wire $field:ident) => {
        stringify!($field)
    };
    (@wire $field:ident $wire:literal) => {
        $wire
    };
    (@value $map:ident, $ty:ty) => {
        $map.next_value::<$ty>()?
    };
    (@value $map:ident, $ty:ty, $with:path) => {{
        struct DecodedWith($ty);
        impl<'de> serde::Deserialize<'de> for DecodedWith {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $with(deserializer).map(DecodedWith)
            }
        }
        $map.next_value::<DecodedWith>()?.0
    }};
    (@finish $field:ident, required, $wire:expr) => {
        match $field {
            Some(value) => value,
            None => return Err(<A::Error as serde::de::Error>::missing_field($wire)),
        }
    };
    (@finish $field:ident, optional, $wire:expr) => {
        $field.unwrap_or_default()
    };
    (@finish $field:ident, with, $wire:expr) => {
        $field.unwrap_or_default()
    };
}

pub(crate) use model_with_extra;

#[cfg(test)]
mod tests {
    use crate::models::{IngestFeed, Segment, Workflow};

    #[test]
    fn unknown_fields_land_in_extra_in_one_pass() {
        let segment: Segment = serde_json::from_str(
            r#"{"id":"seg-1","tier":{"a":[1,2]},"name":"N","caf\u00e9":true,"status":null}"#,
        )
        .unwrap();
        assert_eq!((segment.id.as_str(), segment.name.as_str()), ("seg-1", "N"));
        assert_eq!(segment.status, None);
        assert_eq!(segment.extra.len(), 2);
        assert_eq!(segment.extra["tier"], serde_json::json!({"a": [1, 2]}));
        assert_eq!(segment.extra["café"], true, "an escaped key is decoded");
    }

    #[test]
    fn missing_duplicate_and_mistyped_fields_are_errors_with_a_position() {
        let missing = serde_json::from_str::<Segment>(r#"{"id":"seg-1"}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `name`"),
            "{missing}"
        );
        let twice =
            serde_json::from_str::<Segment>(r#"{"id":"a","name":"n","id":"b"}"#).unwrap_err();
        assert!(
            twice.to_string().contains("duplicate field `id`"),
            "{twice}"
        );
        let mistyped = serde_json::from_str::<Segment>("{\"id\":\"a\",\n\"name\":5}").unwrap_err();
        assert!(
            mistyped.to_string().contains("expected a string"),
            "{mistyped}"
        );
        assert_eq!(mistyped.line(), 2, "the position of the bad value is kept");
        let not_object = serde_json::from_str::<Segment>("[1]").unwrap_err();
        assert!(
            not_object.to_string().contains("a Segment object"),
            "{not_object}"
        );
    }

    #[test]
    fn bodies_decode_the_same_as_text_or_as_bytes() {
        use super::json_body;
        let body = r#"{"id":"seg-\u00e9","name":"Café"}"#.as_bytes();
        let segment: Segment = json_body(body).unwrap();
        assert_eq!(
            (segment.id.as_str(), segment.name.as_str()),
            ("seg-é", "Café")
        );
        let mistyped = json_body::<Segment>(b"{\"id\":\"a\",\n\"name\":5}").unwrap_err();
        assert_eq!((mistyped.line(), mistyped.column()), (2, 8), "{mistyped}");
        let not_utf8 = json_body::<Segment>(b"{\"id\":\"a\xff\",\"name\":\"n\"}").unwrap_err();
        assert_eq!(
            not_utf8.to_string(),
            "the body is not UTF-8: invalid byte at line 1 column 9"
        );
        let later = json_body::<Segment>(b"{\"id\":\"a\",\n  \"name\":\"\xc3\"}").unwrap_err();
        assert!(later.to_string().ends_with("line 2 column 11"), "{later}");
    }

    #[test]
    fn numbers_in_extra_survive_a_round_trip() {
        // Found by fuzzing (core/fuzz/regressions/models): without serde_json's float_roundtrip
        // a long mantissa decoded one unit off the nearest f64, and written out and read again
        // it changed.
        let body = br#"{"id":"s","name":"n","a":-0.05555001076616672134503535,"b":1.7976931348623157e308}"#;
        let segment: Segment = super::json_body(body).unwrap();
        assert_eq!(
            segment.extra["a"].as_f64(),
            Some(-0.055_550_010_766_166_724)
        );
        let again: Segment = super::json_body(&serde_json::to_vec(&segment).unwrap()).unwrap();
        assert_eq!(again, segment);
    }

    #[test]
    fn renamed_and_decoded_with_fields() {
        let feed: IngestFeed = serde_json::from_str(
            r#"{"feed_id":"df-1","job_id":"ij-1","table_name":"T","state":"Succeeded","read":null,"files":null}"#,
        )
        .unwrap();
        assert_eq!((feed.read, feed.errors, feed.files.len()), (0, 0, 0));
        let run: Workflow = serde_json::from_str(
            r#"{"id":"wf-1","state":"running","type":"courier.group/run","name":"n","tenant":"t","created_at":"2026-12-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(run.workflow_type, "courier.group/run");
        assert!(run.extra.is_empty(), "a renamed field is not extra");
        let again = serde_json::to_value(&run).unwrap();
        assert_eq!(
            again["type"], "courier.group/run",
            "serialized with its wire name: {again}"
        );
        assert!(again.get("workflow_type").is_none(), "{again}");
    }
}
