//! The names of settings and arguments in messages, in each language's own spelling.
//!
//! The core's configuration and argument messages name settings neutrally, in snake_case
//! (`client_id needs a client_secret`): Rust's, Python's and the C API's parameter names. A
//! binding whose names are camelCase (Kotlin, Java, Swift) shows the same message through
//! [`respell`], so a Kotlin user reads `clientId needs a clientSecret`.

/// How a language spells the names of settings and arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[non_exhaustive]
pub enum Spelling {
    /// `client_id`: Rust, Python and the C API's parameters (the neutral form).
    Snake,
    /// `clientId`: Kotlin, Java and Swift.
    Camel,
}

/// The neutral names of settings and arguments the core's messages use.
const NAMES: &[&str] = &[
    "api_version",
    "base_url",
    "ca_file",
    "client_id",
    "client_secret",
    "config_id",
    "connect_timeout",
    "created_from",
    "created_to",
    "initial_backoff",
    "max_attempts",
    "max_backoff",
    "max_response_bytes",
    "max_retry_after",
    "platform_verifier",
    "poll_interval",
    "profile_api_version",
    "queue_capacity",
    "range_from",
    "range_to",
    "request_timeout",
    "token_url",
    "user_agent_suffix",
    "workflow_id",
];

/// `message` with every setting or argument name it contains (a whole word from the core's
/// list, such as `client_id`) in `spelling`; other words, environment variables
/// (`AMPERITY_CLIENT_ID`) and C function names (`amperity_config_set_token_url`) stay as they are.
///
/// ```
/// use amperity::{respell, Spelling};
///
/// let message = "client_id needs a client_secret (AMPERITY_CLIENT_SECRET)";
/// assert_eq!(respell(message, Spelling::Camel), "clientId needs a clientSecret (AMPERITY_CLIENT_SECRET)");
/// assert_eq!(respell(message, Spelling::Snake), message);
/// ```
pub fn respell(message: &str, spelling: Spelling) -> String {
    if spelling == Spelling::Snake {
        return message.to_owned();
    }
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(is_word) {
        out.push_str(&rest[..start]);
        let word_len = rest[start..]
            .find(|c: char| !is_word(c))
            .unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        if NAMES.contains(&word) {
            push_camel(&mut out, word);
        } else {
            out.push_str(word);
        }
        rest = &rest[start + word_len..];
    }
    out.push_str(rest);
    out
}

/// `client_secret` as `clientSecret`.
fn push_camel(out: &mut String, snake: &str) {
    for (index, part) in snake.split('_').enumerate() {
        let mut chars = part.chars();
        match chars.next() {
            Some(first) if index > 0 => {
                out.push(first.to_ascii_uppercase());
                out.push_str(chars.as_str());
            }
            _ => out.push_str(part),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_becomes_camel_case() {
        for name in NAMES {
            let camel = respell(name, Spelling::Camel);
            assert!(
                !camel.contains('_') && camel.to_lowercase() == name.replace('_', ""),
                "{camel}"
            );
        }
        assert_eq!(
            respell("profile_api_version", Spelling::Camel),
            "profileApiVersion"
        );
    }

    #[test]
    fn only_whole_listed_words_change() {
        assert_eq!(
            respell(
                "no credentials: set a token or client_id and client_secret",
                Spelling::Camel
            ),
            "no credentials: set a token or clientId and clientSecret"
        );
        assert_eq!(
            respell(
                "amperity_config_set_token_url, AMPERITY_TOKEN_URL, my_token_url, token_url.",
                Spelling::Camel
            ),
            "amperity_config_set_token_url, AMPERITY_TOKEN_URL, my_token_url, tokenUrl."
        );
        assert_eq!(respell("", Spelling::Camel), "");
        assert_eq!(respell("é client_id ü", Spelling::Camel), "é clientId ü");
    }
}
