//! Case conversions shared by the generators.

/// The lowercase words of a `PascalCase` name.
fn words(camel: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() || words.is_empty() {
            words.push(String::new());
        }
        if let Some(word) = words.last_mut() {
            word.push(c.to_ascii_lowercase());
        }
    }
    words
}

/// `IngestJobList` → `ingest_job_list`.
pub fn snake_case(camel: &str) -> String {
    words(camel).join("_")
}

/// `RunningWithFailures` → `running-with-failures`.
pub fn kebab_case(camel: &str) -> String {
    words(camel).join("-")
}

/// `UpForRetry` → `UP_FOR_RETRY`.
pub fn screaming_snake_case(camel: &str) -> String {
    snake_case(camel).to_ascii_uppercase()
}

/// `campaign_drafts` → `CampaignDrafts`.
pub fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// `campaign_drafts` → `campaignDrafts`.
pub fn camel_case(snake: &str) -> String {
    let pascal = pascal_case(snake);
    let mut chars = pascal.chars();
    chars.next().map_or(String::new(), |first| {
        first.to_ascii_lowercase().to_string() + chars.as_str()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(snake_case("IngestJobList"), "ingest_job_list");
        assert_eq!(kebab_case("RunningWithFailures"), "running-with-failures");
        assert_eq!(screaming_snake_case("UpForRetry"), "UP_FOR_RETRY");
        assert_eq!(pascal_case("campaign_drafts"), "CampaignDrafts");
        assert_eq!(
            camel_case("destination_data_template_id"),
            "destinationDataTemplateId"
        );
        assert_eq!(snake_case(&pascal_case("audit_events")), "audit_events");
    }
}
