//! The Profile API (version `2025-07-31`): indexes and the profiles in them.
//!
//! Same base URL, authentication, tenant header and retries as the control plane, but its own
//! `api-version` ([`ClientBuilder::profile_api_version`](crate::ClientBuilder::profile_api_version))
//! and its own rate budget ([`ClientBuilder::profile_rate_limit`](crate::ClientBuilder::profile_rate_limit)).

use crate::client::{path_with_id, Call};
use crate::error::{Error, Result};
use crate::{Client, PageOptions, Pager, Profile, ProfileIndex};
use std::borrow::Cow;

/// One condition of a [`ProfileFilter`]: the attribute equals the value, exactly (case and
/// trailing spaces included).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AttributeMatch {
    /// The attribute (a filter field of the index), e.g. `email`.
    pub attribute: String,
    /// The value it must have.
    pub value: String,
}

/// Filters of `GET /indexes/{id}/profiles`: each condition is sent as
/// `filter[<attribute>]=<value>` (name and value percent-encoded), in order; the server ANDs
/// them. Only the index's configured filter fields can be filtered on.
///
/// An empty attribute name, or one with `[` or `]` (which `filter[…]` cannot carry), is refused
/// with [`Error::InvalidArgument`] by the first page of the list, before anything is sent.
///
/// ```
/// use amperity::ProfileFilter;
/// let filter = ProfileFilter::new()
///     .with("given_name", "Mary Ann")
///     .with("loyalty_tier", "gold");
/// assert_eq!(filter.conditions.len(), 2);
/// assert_eq!(filter.conditions[0].attribute, "given_name");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ProfileFilter {
    /// The conditions, all of which a profile must meet (none: every profile).
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    pub conditions: Vec<AttributeMatch>,
}

impl ProfileFilter {
    /// A filter without conditions (every profile of the index).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a condition: `attribute` equals `value` exactly.
    pub fn with(mut self, attribute: impl Into<String>, value: impl Into<String>) -> Self {
        self.conditions.push(AttributeMatch {
            attribute: attribute.into(),
            value: value.into(),
        });
        self
    }

    /// The query parameters, or the refusal of an attribute name `filter[…]` cannot carry.
    fn apply(self, mut call: Call) -> Result<Call> {
        for AttributeMatch { attribute, value } in self.conditions {
            if attribute.trim().is_empty() {
                return Err(Error::invalid_argument(
                    "a profile filter has an empty attribute name",
                ));
            }
            if attribute.contains(['[', ']']) {
                return Err(Error::invalid_argument(format!(
                    "the profile filter attribute {attribute:?} contains '[' or ']', which filter[<attribute>] cannot carry"
                )));
            }
            call.query
                .push((Cow::Owned(format!("filter[{attribute}]")), value));
        }
        Ok(call)
    }
}

impl Client {
    /// `GET /indexes` (Profile API): every index of the tenant, lazily, one page at a time (25
    /// per page unless [`PageOptions::limit`] says otherwise).
    ///
    /// ```
    /// # let server = amperity_mock::MockServer::start(Default::default()).unwrap();
    /// # let client = amperity::Client::builder("acme").base_url(server.base_url()).token("mock-token").rate_limit(None).build()?;
    /// use amperity::PageOptions;
    /// for index in client.list_indexes(PageOptions::default()).items() {
    ///     let index = index?;
    ///     assert!(index.id.starts_with("idx-"));
    /// }
    /// # Ok::<(), amperity::Error>(())
    /// ```
    pub fn list_indexes(&self, page: PageOptions) -> Pager<ProfileIndex> {
        let call = Call::get("list-indexes", "/indexes").on_profile_api();
        Pager::new(self.inner.clone(), call, page)
    }

    /// `GET /indexes/{id}` (Profile API). A 404 is an [`Error::Api`] of kind
    /// [`NotFound`](crate::ApiErrorKind::NotFound).
    pub fn get_index(&self, index_id: &str) -> Result<ProfileIndex> {
        let path = path_with_id("/indexes", index_id, "", "index id")?;
        self.inner
            .execute_json(&Call::get("get-index", path).on_profile_api())
    }

    /// `GET /indexes/{id}/profiles` (Profile API): the profiles of an index that meet every
    /// condition of `filter`, lazily, one page at a time (25 per page unless
    /// [`PageOptions::limit`] says otherwise).
    ///
    /// An empty index id or an invalid filter is refused by the first page, before anything is
    /// sent.
    ///
    /// ```
    /// # let server = amperity_mock::MockServer::start(Default::default()).unwrap();
    /// # let client = amperity::Client::builder("acme").base_url(server.base_url()).token("mock-token").rate_limit(None).build()?;
    /// use amperity::{PageOptions, ProfileFilter};
    /// let index_id = "idx-3kPq7Zt2c"; // an id from list_indexes
    /// # assert_eq!(index_id, amperity_mock::CUSTOMERS_INDEX_ID);
    /// let by_email = ProfileFilter::new().with("email", "a+b@x.com");
    /// let found: Vec<_> = client
    ///     .list_profiles(index_id, by_email, PageOptions::default())
    ///     .items()
    ///     .collect::<Result<_, _>>()?;
    /// assert_eq!(found.len(), 1);
    /// assert_eq!(found[0].attributes["email"], "a+b@x.com");
    /// # Ok::<(), amperity::Error>(())
    /// ```
    pub fn list_profiles(
        &self,
        index_id: &str,
        filter: ProfileFilter,
        page: PageOptions,
    ) -> Pager<Profile> {
        let call = path_with_id("/indexes", index_id, "/profiles", "index id")
            .and_then(|path| filter.apply(Call::get("list-profiles", path).on_profile_api()));
        match call {
            Ok(call) => Pager::new(self.inner.clone(), call, page),
            Err(error) => Pager::failed(self.inner.clone(), error),
        }
    }

    /// `GET /indexes/{index_id}/profiles/{profile_id}` (Profile API). A 404 is an
    /// [`Error::Api`] of kind [`NotFound`](crate::ApiErrorKind::NotFound).
    pub fn get_profile(&self, index_id: &str, profile_id: &str) -> Result<Profile> {
        let profiles = path_with_id("/indexes", index_id, "/profiles", "index id")?;
        let path = path_with_id(&profiles, profile_id, "", "profile id")?;
        self.inner
            .execute_json(&Call::get("get-profile", path).on_profile_api())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_become_filter_params_in_order() {
        let call = ProfileFilter::new()
            .with("email", "a+b@x.com")
            .with("given_name", "")
            .with("email", "again")
            .apply(Call::get("test", "/indexes/idx-1/profiles"))
            .unwrap();
        let sent: Vec<(&str, &str)> = call
            .query
            .iter()
            .map(|(n, v)| (n.as_ref(), v.as_str()))
            .collect();
        assert_eq!(
            sent,
            [
                ("filter[email]", "a+b@x.com"),
                ("filter[given_name]", ""),
                ("filter[email]", "again")
            ]
        );
    }

    #[test]
    fn attribute_names_filter_brackets_cannot_carry_are_refused() {
        for bad in ["", "  ", "a]b", "a[0]"] {
            let error = ProfileFilter::new()
                .with(bad, "x")
                .apply(Call::get("test", "/"))
                .unwrap_err();
            assert!(matches!(error, Error::InvalidArgument { .. }), "{bad:?}");
        }
    }
}
