//! [`Extra`]: the fields of a response object that its model does not know.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashMap;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

/// The map behind [`Extra`]: field name to JSON value, exactly as received.
pub type ExtraFields = HashMap<String, serde_json::Value>;

/// The fields of a response object that its model does not know (see each model's `extra`):
/// name to JSON value, exactly as received.
///
/// Reads and writes like a `HashMap<String, serde_json::Value>` (it dereferences to one:
/// `extra["tier"]`, `extra.get(..)`, `extra.len()`, `extra.insert(..)`), and iterates like one.
/// Most records have no unknown field, so the map is only allocated for the first one: an empty
/// `Extra` is one pointer, made without hashing state.
#[derive(Clone, Default)]
pub struct Extra(Option<Box<ExtraFields>>);

impl Extra {
    /// No fields.
    pub const fn new() -> Self {
        Extra(None)
    }

    /// The fields as a map (empty when there are none).
    pub fn into_map(self) -> ExtraFields {
        self.0.map(|fields| *fields).unwrap_or_default()
    }

    /// The fields as a map, or `None` when there are none.
    pub fn into_non_empty(self) -> Option<ExtraFields> {
        self.0
            .map(|fields| *fields)
            .filter(|fields| !fields.is_empty())
    }
}

impl Deref for Extra {
    type Target = ExtraFields;

    fn deref(&self) -> &ExtraFields {
        static NONE: OnceLock<ExtraFields> = OnceLock::new();
        match &self.0 {
            Some(fields) => fields,
            None => NONE.get_or_init(ExtraFields::new),
        }
    }
}

impl DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut ExtraFields {
        self.0.get_or_insert_with(Box::default)
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Extra {}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl From<ExtraFields> for Extra {
    fn from(fields: ExtraFields) -> Self {
        Extra((!fields.is_empty()).then(|| Box::new(fields)))
    }
}

impl From<Option<ExtraFields>> for Extra {
    fn from(fields: Option<ExtraFields>) -> Self {
        fields.map(Extra::from).unwrap_or_default()
    }
}

impl From<Extra> for ExtraFields {
    fn from(extra: Extra) -> Self {
        extra.into_map()
    }
}

impl FromIterator<(String, serde_json::Value)> for Extra {
    fn from_iter<I: IntoIterator<Item = (String, serde_json::Value)>>(fields: I) -> Self {
        Extra::from(fields.into_iter().collect::<ExtraFields>())
    }
}

impl IntoIterator for Extra {
    type Item = (String, serde_json::Value);
    type IntoIter = std::collections::hash_map::IntoIter<String, serde_json::Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.into_map().into_iter()
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a String, &'a serde_json::Value);
    type IntoIter = std::collections::hash_map::Iter<'a, String, serde_json::Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

// Serialized as the map it stands for (the models flatten it into their own object).
impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ExtraFields::deserialize(deserializer).map(Extra::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_and_filled_extras_read_like_maps() {
        let empty = Extra::new();
        assert!(empty.is_empty() && empty.get("x").is_none());
        assert_eq!(
            empty,
            Extra::from(ExtraFields::new()),
            "no map equals an empty map"
        );
        assert_eq!(format!("{empty:?}"), "{}");
        assert_eq!(serde_json::to_value(&empty).unwrap(), json!({}));

        let mut filled = Extra::new();
        filled.insert("tier".into(), json!({"a": [1]}));
        assert_eq!(filled["tier"], json!({"a": [1]}));
        assert_eq!(filled.len(), 1);
        assert_ne!(filled, empty);
        assert_eq!(
            serde_json::to_value(&filled).unwrap(),
            json!({"tier": {"a": [1]}})
        );
        let keys: Vec<&String> = (&filled).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["tier"]);

        filled.clear();
        assert_eq!(filled, empty, "a cleared map equals no map");
        assert_eq!(filled.clone().into_non_empty(), None);
        assert!(filled.into_map().is_empty());
    }

    #[test]
    fn conversions_keep_every_field() {
        let fields: ExtraFields = [("a".to_owned(), json!(1)), ("b".to_owned(), json!(null))]
            .into_iter()
            .collect();
        let extra = Extra::from(fields.clone());
        assert_eq!(extra.clone().into_non_empty(), Some(fields.clone()));
        assert_eq!(ExtraFields::from(extra.clone()), fields);
        assert_eq!(extra.clone().into_iter().count(), 2);
        assert_eq!(fields.clone().into_iter().collect::<Extra>(), extra);
        let decoded: Extra = serde_json::from_value(json!({"a": 1, "b": null})).unwrap();
        assert_eq!(decoded, extra);
        assert_eq!(Extra::from(None), Extra::new());
    }
}
