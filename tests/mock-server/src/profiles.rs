//! Deterministic (per seed) Profile API data: three indexes and their profiles.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::data::Rng;
use crate::time::fmt_ms;

/// The index of [`MockConfig::profiles`](crate::MockConfig::profiles) customer profiles, with
/// `attributes` as an object. Filter fields: [`CUSTOMER_FILTER_FIELDS`]. Profile 1 has the email
/// `a+b@x.com`, profile 2 the given name `Mary Ann`, profile 3 the family name `Smith & Jones`;
/// every 50th profile carries a top-level field the SDK does not model (`updated_at`).
pub const CUSTOMERS_INDEX_ID: &str = "idx-3kPq7Zt2c";
/// The index of the loyalty members (every 7th customer, same profile ids and emails), with
/// `attributes` sent as an array of objects (the shape one docs page shows). Filter fields:
/// [`LOYALTY_FILTER_FIELDS`]. Its index record carries a field the SDK does not model
/// (`build_id`).
pub const LOYALTY_INDEX_ID: &str = "idx-8Wm4Rx1cL";
/// An index without profiles, description or timestamps.
pub const EMPTY_INDEX_ID: &str = "idx-5Hn2Yv9bE";

/// The attributes of [`CUSTOMERS_INDEX_ID`] that `filter[…]` accepts (every attribute is a
/// string but `lifetime_value`, a number, and `opted_in`, a boolean, which are not filter fields).
pub const CUSTOMER_FILTER_FIELDS: &[&str] =
    &["email", "given_name", "family_name", "loyalty_tier", "city"];
/// The attributes of [`LOYALTY_INDEX_ID`] that `filter[…]` accepts.
pub const LOYALTY_FILTER_FIELDS: &[&str] = &["email", "loyalty_tier"];

/// The `loyalty_tier` values.
pub const LOYALTY_TIERS: &[&str] = &["bronze", "silver", "gold", "platinum"];

const GIVEN: &[&str] = &[
    "Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kira", "Liam",
    "Maya", "Noor", "Omar", "Priya",
];
const FAMILY: &[&str] = &[
    "Garcia",
    "Nguyen",
    "Okafor",
    "Smith",
    "Tanaka",
    "Muller",
    "Rossi",
    "Kowalski",
    "Haddad",
    "Silva",
    "Johansson",
    "Patel",
    "Dubois",
    "Kim",
    "Novak",
    "Walker",
];
const CITIES: &[&str] = &[
    "Seattle",
    "New York",
    "Austin",
    "Portland",
    "Bath & Wells",
    "São Paulo",
];

/// One profile: its JSON text and the values of the index's filter fields.
pub(crate) struct ProfileRec {
    pub id: String,
    pub json: String,
    pub filter_values: HashMap<&'static str, String>,
}

/// One index: its JSON text, filter fields and profiles.
pub(crate) struct IndexData {
    pub id: &'static str,
    pub json: String,
    pub filter_fields: &'static [&'static str],
    pub profiles: Vec<ProfileRec>,
    pub by_id: HashMap<String, usize>,
}

/// Letters and digits only, lowercase (for email local parts).
fn slug(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn index(
    id: &'static str,
    json: Value,
    filter_fields: &'static [&'static str],
    profiles: Vec<ProfileRec>,
) -> IndexData {
    let by_id = profiles
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    IndexData {
        id,
        json: json.to_string(),
        filter_fields,
        profiles,
        by_id,
    }
}

/// The three indexes, in list order: customers, loyalty members, empty.
pub(crate) fn profile_indexes(seed: u64, customers: usize, start_ms: i64) -> Vec<IndexData> {
    const DAY: i64 = 86_400_000;
    let mut r = Rng::new(seed ^ 0x9f0f11e);
    let mut customer_profiles = Vec::with_capacity(customers);
    let mut loyalty_profiles = Vec::new();
    for i in 0..customers {
        let id = format!("cl-{}", r.b62(10));
        let given = if i == 2 {
            "Mary Ann"
        } else {
            GIVEN[i % GIVEN.len()]
        };
        let family = if i == 3 {
            "Smith & Jones"
        } else {
            FAMILY[(i / GIVEN.len()) % FAMILY.len()]
        };
        let email = if i == 1 {
            "a+b@x.com".to_owned()
        } else {
            format!("{}.{}.{i:05}@example.com", slug(given), slug(family))
        };
        let tier = *r.pick(LOYALTY_TIERS);
        let city = *r.pick(CITIES);
        let attributes = json!({
            "email": email,
            "given_name": given,
            "family_name": family,
            "loyalty_tier": tier,
            "city": city,
            "lifetime_value": r.below(5_000_000) as f64 / 100.0,
            "opted_in": r.below(3) != 0,
        });
        let mut profile = Map::new();
        profile.insert("id".into(), id.clone().into());
        profile.insert("index_id".into(), CUSTOMERS_INDEX_ID.into());
        profile.insert("attributes".into(), attributes);
        if i % 50 == 49 {
            // Amperity adds fields without notice: the SDK keeps them (`extra`).
            profile.insert(
                "updated_at".into(),
                fmt_ms(start_ms - r.range(DAY, 30 * DAY)).into(),
            );
        }
        let filter_values = [
            ("email", email.clone()),
            ("given_name", given.to_owned()),
            ("family_name", family.to_owned()),
            ("loyalty_tier", tier.to_owned()),
            ("city", city.to_owned()),
        ]
        .into_iter()
        .collect();
        customer_profiles.push(ProfileRec {
            id: id.clone(),
            json: Value::Object(profile).to_string(),
            filter_values,
        });
        if i % 7 == 0 {
            // The docs-page shape: an array of objects, to be merged by the client.
            let json = json!({
                "id": id,
                "index_id": LOYALTY_INDEX_ID,
                "attributes": [
                    {"email": email, "loyalty_tier": tier},
                    {"points": r.below(100_000), "member_since": fmt_ms(start_ms - r.range(30 * DAY, 900 * DAY))},
                ],
            });
            loyalty_profiles.push(ProfileRec {
                id,
                json: json.to_string(),
                filter_values: [("email", email), ("loyalty_tier", tier.to_owned())]
                    .into_iter()
                    .collect(),
            });
        }
    }
    vec![
        index(
            CUSTOMERS_INDEX_ID,
            json!({
                "id": CUSTOMERS_INDEX_ID,
                "name": "Customer 360 by email",
                "description": "Unified customer profiles, looked up by email",
                "created_at": fmt_ms(start_ms - 120 * DAY),
                "updated_at": fmt_ms(start_ms - DAY / 8),
            }),
            CUSTOMER_FILTER_FIELDS,
            customer_profiles,
        ),
        index(
            LOYALTY_INDEX_ID,
            json!({
                "id": LOYALTY_INDEX_ID,
                "name": "Loyalty members",
                "description": "Members of the loyalty programme with their points",
                "created_at": fmt_ms(start_ms - 60 * DAY),
                "updated_at": fmt_ms(start_ms - DAY / 2),
                "build_id": format!("idb-{}", r.b62(9)),
            }),
            LOYALTY_FILTER_FIELDS,
            loyalty_profiles,
        ),
        index(
            EMPTY_INDEX_ID,
            json!({"id": EMPTY_INDEX_ID, "name": "Web sessions (building)"}),
            &[],
            Vec::new(),
        ),
    ]
}
