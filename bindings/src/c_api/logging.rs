//! The core's log records, passed to a C callback.

use super::error::{amperity_result, guard};
use super::util::UserData;
use amperity_core::uniffi_api::logging::{set_sink, LogLevel, SinkSlot};
use std::ffi::CString;
use std::os::raw::{c_char, c_void};
use std::sync::Arc;

/// Severity of a log record. Values are stable.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum amperity_log_level {
    /// Failures the caller is told about anyway (rare).
    Error = 1,
    /// Something to act on, such as a deprecated operation (`Deprecation`/`Sunset` headers).
    Warn = 2,
    /// Notable events.
    Info = 3,
    /// One line per request, retry and token refresh (no secrets, no bodies).
    Debug = 4,
    /// Finer detail.
    Trace = 5,
}

/// A log callback: `level`, `target` (such as `"amperity::transport"` or
/// `"amperity::deprecation"`) and `message` (NUL-terminated UTF-8, valid during the call only),
/// and the `user_data` given to `amperity_set_log_callback`. Called on the thread that logs (the
/// thread of a call in progress, possibly several at once): it must be thread-safe and must not
/// call back into the library.
pub type amperity_log_fn = Option<
    unsafe extern "C" fn(
        level: amperity_log_level,
        target: *const c_char,
        message: *const c_char,
        user_data: *mut c_void,
    ),
>;

/// Sends the library's log records up to `max_level` to `callback` with `user_data`, or stops
/// with a NULL `callback`. Replaces the previous callback. Returns
/// `AMPERITY_RESULT_INVALID_ARGUMENT` for a `max_level` outside the enum.
#[no_mangle]
pub extern "C" fn amperity_set_log_callback(
    callback: amperity_log_fn,
    user_data: *mut c_void,
    max_level: u32,
) -> amperity_result {
    guard(|| {
        let level = match max_level {
            1 => LogLevel::Error,
            2 => LogLevel::Warn,
            3 => LogLevel::Info,
            4 => LogLevel::Debug,
            5 => LogLevel::Trace,
            other => {
                return Err(super::error::LastError::from(
                    amperity_core::Error::InvalidArgument {
                        detail: format!("max_level must be 1 (error) to 5 (trace), got {other}"),
                    },
                ))
            }
        };
        let sink = callback.map(|callback| {
            let user_data = UserData(user_data);
            Arc::new(move |level: LogLevel, target: &str, message: &str| {
                let c_level = match level {
                    LogLevel::Error => amperity_log_level::Error,
                    LogLevel::Warn => amperity_log_level::Warn,
                    LogLevel::Info => amperity_log_level::Info,
                    LogLevel::Debug => amperity_log_level::Debug,
                    LogLevel::Trace => amperity_log_level::Trace,
                };
                // Interior NULs cannot occur in the core's texts; drop the record if one did.
                if let (Ok(target), Ok(message)) = (CString::new(target), CString::new(message)) {
                    unsafe {
                        callback(c_level, target.as_ptr(), message.as_ptr(), user_data.get())
                    };
                }
            }) as Arc<dyn Fn(LogLevel, &str, &str) + Send + Sync>
        });
        set_sink(SinkSlot::C, sink, level);
        Ok(())
    })
}
