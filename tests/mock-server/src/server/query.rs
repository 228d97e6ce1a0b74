//! Query strings and form bodies: percent decoding and encoding, and `Query`, the decoded
//! key/value pairs in order.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What `encode` escapes: every byte but ASCII letters, digits and `-_.~:`.
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b':');

/// Form decoding: `+` is a space, `%XX` a byte (a `%` without two hex digits stays as it is),
/// invalid UTF-8 becomes U+FFFD.
pub(super) fn decode(s: &str) -> String {
    percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// Path decoding: `%XX` a byte (`+` stays a plus), invalid UTF-8 becomes U+FFFD.
pub(super) fn decode_segment(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Percent-encodes (upper-case hex) the bytes in [`ESCAPED`].
pub(super) fn encode(s: &str) -> String {
    utf8_percent_encode(s, ESCAPED).to_string()
}

pub(super) struct Query(Vec<(String, String)>);

impl Query {
    pub(super) fn parse(q: &str) -> Query {
        Query(
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| match p.split_once('=') {
                    Some((k, v)) => (decode(k), decode(v)),
                    None => (decode(p), String::new()),
                })
                .collect(),
        )
    }
    /// Every pair, in order (repeated names included).
    pub(super) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
    pub(super) fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
}
