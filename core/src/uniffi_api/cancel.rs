//! Per-call cancellation for the foreign languages: a `CancelToken` object and
//! `Client::with_cancel_token`, a view of the client whose every call (and walk) carries the
//! token. Added beside the existing surface, which is unchanged.

use super::client::Client;
use super::error::Result;
use super::stream::StreamClient;
use crate as core_api;
use std::sync::Arc;

/// Cancels the calls made with it (through `Client.with_cancel_token`), from any thread, within
/// milliseconds; other calls on the same client go on. Once cancelled it stays cancelled.
#[derive(Debug, Default, uniffi::Object)]
pub struct CancelToken {
    pub(super) inner: core_api::CancelToken,
}

#[uniffi::export]
impl CancelToken {
    /// A token that is not cancelled.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(CancelToken::default())
    }

    /// Ends every call made with this token promptly with `AmperityError::Cancelled`, whether
    /// it sleeps or waits for the network (only its own connection is shut down). Idempotent.
    pub fn cancel(&self) {
        self.inner.cancel();
    }

    /// True once `cancel` was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.is_cancelled()
    }
}

#[uniffi::export]
impl Client {
    /// This client with `token` carried by every call made through it (the pages of its walks
    /// and the polls of its waits too); shares everything else with this client.
    pub fn with_cancel_token(&self, token: Arc<CancelToken>) -> Arc<Client> {
        Arc::new(Client {
            inner: self.inner.with_cancel_token(&token.inner),
        })
    }
}

#[uniffi::export]
impl StreamClient {
    /// `send_json`, ended promptly with `AmperityError::Cancelled` when `token` is cancelled
    /// (its retries' pauses and its request; other sends go on).
    pub fn send_json_with_token(
        &self,
        stream_id: String,
        event: String,
        token: Arc<CancelToken>,
    ) -> Result<()> {
        Ok(token
            .inner
            .run(|| self.inner.send_json(&stream_id, &event))?)
    }

    /// `send_xml`, ended promptly with `AmperityError::Cancelled` when `token` is cancelled.
    pub fn send_xml_with_token(
        &self,
        stream_id: String,
        event: String,
        token: Arc<CancelToken>,
    ) -> Result<()> {
        Ok(token
            .inner
            .run(|| self.inner.send_xml(&stream_id, &event))?)
    }
}
