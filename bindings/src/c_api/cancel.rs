//! `amperity_cancel_token`: per-call cancellation. A token passed to
//! `amperity_client_with_cancel_token` gives a client handle whose every call (and every
//! iterator made from it) carries the token; `amperity_cancel_token_cancel` ends those calls
//! and leaves the other calls on the same client alone.

use super::client::amperity_client;
use super::error::{amperity_result, guard};
use super::util::{arg_ref, check_out, free_handle, into_handle, write_out};
use amperity_core::CancelToken;

/// Cancels the calls made through the client handles it was given to, and only those.
///
/// Created by `amperity_cancel_token_new`, freed by `amperity_cancel_token_free`. Thread safety:
/// share it across threads; `amperity_cancel_token_cancel` may be called from any thread while
/// the calls it ends run on others (not from a signal handler: use a thread that the handler
/// wakes). Once cancelled it stays cancelled: use a new token for the next call. The client
/// handles made with it keep what they need, so the token may be freed before them.
#[derive(Debug, Default)]
pub struct amperity_cancel_token {
    pub(crate) token: CancelToken,
}

/// Creates a token that is not cancelled. The caller frees `*out_token` with
/// `amperity_cancel_token_free`.
#[no_mangle]
pub extern "C" fn amperity_cancel_token_new(
    out_token: *mut *mut amperity_cancel_token,
) -> amperity_result {
    guard(|| {
        check_out(out_token, "out_token")?;
        unsafe { write_out(out_token, into_handle(amperity_cancel_token::default())) };
        Ok(())
    })
}

/// Cancels every call made with `token`, from any thread: each returns
/// `AMPERITY_RESULT_CANCELLED` within milliseconds, whether it sleeps (retry backoff,
/// `Retry-After`, the rate limiter, a wait's polls) or waits for the network (only its own
/// connection is shut down). Calls made with the token afterwards fail at once with
/// `AMPERITY_RESULT_CANCELLED`; an iterator stopped this way keeps its cursor (resume it with
/// `amperity_iter_cursor` and a new iterator). Calling it again does nothing.
#[no_mangle]
pub extern "C" fn amperity_cancel_token_cancel(
    token: *const amperity_cancel_token,
) -> amperity_result {
    guard(|| {
        let token = unsafe { arg_ref(token, "token")? };
        token.token.cancel();
        Ok(())
    })
}

/// Stores in `*out_cancelled` whether `amperity_cancel_token_cancel` was called on `token`.
#[no_mangle]
pub extern "C" fn amperity_cancel_token_is_cancelled(
    token: *const amperity_cancel_token,
    out_cancelled: *mut bool,
) -> amperity_result {
    guard(|| {
        check_out(out_cancelled, "out_cancelled")?;
        let token = unsafe { arg_ref(token, "token")? };
        unsafe { write_out(out_cancelled, token.token.is_cancelled()) };
        Ok(())
    })
}

/// Frees a token (the client handles made with it are unaffected). NULL is a no-op.
#[no_mangle]
pub extern "C" fn amperity_cancel_token_free(token: *mut amperity_cancel_token) {
    let _ = guard(|| {
        unsafe { free_handle(token) };
        Ok(())
    });
}

/// Creates a client handle that shares everything with `client` (connection pool, token cache,
/// rate limiter) and carries `token` on every call made through it, including the pages of the
/// iterators it makes and the polls of its waits: `amperity_cancel_token_cancel(token)` ends
/// those calls, and only those. Cheap: make one per call (or per group of calls to cancel
/// together). The caller frees `*out_client` with `amperity_client_free`; `client` and `token`
/// may be freed before it.
#[no_mangle]
pub extern "C" fn amperity_client_with_cancel_token(
    client: *const amperity_client,
    token: *const amperity_cancel_token,
    out_client: *mut *mut amperity_client,
) -> amperity_result {
    guard(|| {
        check_out(out_client, "out_client")?;
        let client = unsafe { arg_ref(client, "client")? };
        let token = unsafe { arg_ref(token, "token")? };
        let view = amperity_client::from_core(client.client.with_cancel_token(&token.token));
        unsafe { write_out(out_client, into_handle(view)) };
        Ok(())
    })
}
