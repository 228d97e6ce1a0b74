use super::decode::model_with_extra;
use crate::Timestamp;
use serde::{Deserialize, Deserializer};
use std::collections::HashMap;

model_with_extra! {
    /// A Profile API index (`GET /indexes`, `GET /indexes/{id}`): a set of profile attributes built
    /// from a saved query, looked up by its `id`. Its name is informational only: requests use the
    /// id.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct ProfileIndex {
        /// Index id, e.g. `idx-xyz789`.
        id: String = required,
        /// Display name.
        name: String = required,
        /// Description, when the index has one.
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String> = optional,
        /// When the index was created.
        #[serde(skip_serializing_if = "Option::is_none")]
        created_at: Option<Timestamp> = optional,
        /// When the index was last rebuilt or changed.
        #[serde(skip_serializing_if = "Option::is_none")]
        updated_at: Option<Timestamp> = optional,
    }
}

/// The attributes of a [`Profile`]: attribute name to value, any JSON (the index decides which
/// attributes there are, up to 30).
pub type ProfileAttributes = HashMap<String, serde_json::Value>;

model_with_extra! {
    /// A customer profile of a Profile API index (`GET /indexes/{id}/profiles`,
    /// `GET /indexes/{index_id}/profiles/{profile_id}`).
    ///
    /// `attributes` is decoded leniently, because Amperity's sources disagree on its shape: the
    /// spec has an object of strings, one docs page an array of objects. An object is taken as it
    /// is (any JSON values, not only strings); an array of objects is merged into one map, in
    /// order (for a name given twice, the later value wins); absent or `null` is an empty map.
    /// Anything else is a decode error. Serialized again, `attributes` is always an object.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Profile {
        /// Profile id, e.g. `cl-abc123`.
        id: String = required,
        /// The index the profile belongs to.
        index_id: String = required,
        /// Attribute name to value (see above for the shapes accepted).
        attributes: ProfileAttributes = with(lenient_attributes),
    }
}

/// `attributes` as an object, an array of objects (merged in order) or null (empty).
fn lenient_attributes<'de, D>(deserializer: D) -> Result<ProfileAttributes, D::Error>
where
    D: Deserializer<'de>,
{
    use serde::de::Error as _;
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => Ok(ProfileAttributes::new()),
        serde_json::Value::Object(map) => Ok(map.into_iter().collect()),
        serde_json::Value::Array(parts) => {
            let mut merged = ProfileAttributes::new();
            for (position, part) in parts.into_iter().enumerate() {
                match part {
                    serde_json::Value::Object(map) => merged.extend(map),
                    other => {
                        return Err(D::Error::custom(format!(
                            "profile attributes: item {position} of the array is {}, not an object",
                            json_kind(&other)
                        )))
                    }
                }
            }
            Ok(merged)
        }
        other => Err(D::Error::custom(format!(
            "profile attributes must be an object or an array of objects, not {}",
            json_kind(&other)
        ))),
    }
}

/// "a string", "a number", …: what a JSON value is, for decode errors (never the value itself,
/// which may be personal data).
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn profile(attributes: serde_json::Value) -> Result<Profile, serde_json::Error> {
        serde_json::from_value(json!({"id": "cl-1", "index_id": "idx-1", "attributes": attributes}))
    }

    #[test]
    fn attributes_in_every_documented_shape() {
        let object = profile(json!({"email": "a@example.com", "points": 12})).unwrap();
        assert_eq!(object.attributes["email"], "a@example.com");
        assert_eq!(object.attributes["points"], 12);
        let array =
            profile(json!([{"email": "a@example.com", "tier": "gold"}, {"tier": "platinum"}, {}]))
                .unwrap();
        assert_eq!(array.attributes.len(), 2);
        assert_eq!(array.attributes["tier"], "platinum", "the later value wins");
        assert!(profile(json!(null)).unwrap().attributes.is_empty());
        let absent: Profile =
            serde_json::from_value(json!({"id": "cl-1", "index_id": "idx-1", "since": 2020}))
                .unwrap();
        assert!(absent.attributes.is_empty());
        assert_eq!(absent.extra["since"], 2020);
        // Serialized again, the attributes are an object and `extra` is flattened.
        let text = serde_json::to_value(&array).unwrap();
        assert_eq!(text["attributes"]["tier"], "platinum");
    }

    #[test]
    fn other_attribute_shapes_are_decode_errors_without_the_data() {
        let error = profile(json!("secret@example.com"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("not a string"), "{error}");
        assert!(!error.contains("secret"), "{error}");
        let error = profile(json!([{"a": 1}, "secret"]))
            .unwrap_err()
            .to_string();
        assert!(error.contains("item 1"), "{error}");
        assert!(!error.contains("secret"), "{error}");
    }

    #[test]
    fn indexes_take_nulls_and_unknown_fields() {
        let index: ProfileIndex = serde_json::from_value(json!({
            "id": "idx-1", "name": "Customers", "description": null,
            "created_at": "2026-01-02T03:04:05Z", "updated_at": null, "fields": 12
        }))
        .unwrap();
        assert_eq!(index.description, None);
        assert_eq!(index.updated_at, None);
        assert_eq!(
            index.created_at.unwrap().to_string(),
            "2026-01-02T03:04:05Z"
        );
        assert_eq!(index.extra["fields"], 12);
    }
}
