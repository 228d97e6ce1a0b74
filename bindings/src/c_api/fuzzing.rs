//! The body of the `c_api_strings` fuzz target (`core/fuzz`, nightly), shared with the stable
//! replay test below, which runs the committed corpus and regressions through it.
//!
//! The first byte picks a C function that takes a string; the rest is the string's bytes as C
//! would pass them (NUL-terminated: an embedded NUL ends the string early; invalid UTF-8
//! included). The invariants: no call ever returns `AMPERITY_RESULT_PANIC`; invalid UTF-8 is
//! `AMPERITY_RESULT_INVALID_UTF8`; a failed call writes no out-parameter and leaves its code as
//! the last error; no error message quotes the token put in the configuration. A file path from
//! the input (`ca_file`) is read as the client build reads it: a directory, a device or a pipe is
//! refused without blocking. Calls that would
//! send a request go through a client whose every call is cancelled before it is sent (a
//! cancelled `amperity_cancel_token`), or are made only with events refused locally: nothing
//! crosses a network.

use super::cancel::*;
use super::client::*;
use super::config::*;
use super::error::*;
use super::ingest::*;
use super::iter::*;
use super::object::*;
use super::profile::*;
use super::raw::*;
use super::segments::*;
use super::stream::*;
use super::workflows::*;
use std::ffi::CStr;
use std::os::raw::c_char;
use std::ptr;
use std::sync::OnceLock;

/// The token every configuration of this target carries: no error may quote it.
const SECRET: &str = "s3cr3t-fuzz-token-0042";

/// A handle in a static (the handles are used from one thread at a time).
struct Handle<T>(*mut T);
unsafe impl<T> Send for Handle<T> {}
unsafe impl<T> Sync for Handle<T> {}

/// The handles every input reuses.
struct Fixtures {
    /// A client whose calls are all cancelled before they send anything.
    client: Handle<amperity_client>,
    /// A stream client of a closed port (only locally refused events reach it).
    stream: Handle<amperity_stream_client>,
    /// An object to read.
    object: Handle<amperity_object>,
    /// A sender of `stream` (only locally refused events reach it).
    sender: Handle<amperity_stream_sender>,
}

fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let config = new_config();
        assert_eq!(
            amperity_config_set_base_url(config, c"http://127.0.0.1:9/api".as_ptr()),
            amperity_result::Ok
        );
        assert_eq!(
            amperity_config_set_retry(config, 1, 0, 0),
            amperity_result::Ok
        );
        assert_eq!(
            amperity_config_set_rate_limit(config, 0.0),
            amperity_result::Ok
        );
        assert_eq!(
            amperity_config_set_profile_rate_limit(config, 0.0),
            amperity_result::Ok
        );
        let mut client = ptr::null_mut();
        assert_eq!(
            amperity_client_new(config, &mut client),
            amperity_result::Ok
        );
        amperity_config_free(config);
        let mut token = ptr::null_mut();
        assert_eq!(amperity_cancel_token_new(&mut token), amperity_result::Ok);
        assert_eq!(amperity_cancel_token_cancel(token), amperity_result::Ok);
        let mut cancelled = ptr::null_mut();
        assert_eq!(
            amperity_client_with_cancel_token(client, token, &mut cancelled),
            amperity_result::Ok
        );
        let mut notices = ptr::null_mut();
        assert_eq!(
            amperity_client_deprecation_notices(client, &mut notices),
            amperity_result::Ok
        );
        amperity_cancel_token_free(token);
        amperity_client_free(client);

        let mut stream_config = ptr::null_mut();
        assert_eq!(
            amperity_stream_config_new(c"acme".as_ptr(), &mut stream_config),
            amperity_result::Ok
        );
        let token = std::ffi::CString::new(SECRET).expect("no NUL");
        assert_eq!(
            amperity_stream_config_set_token(stream_config, token.as_ptr()),
            amperity_result::Ok
        );
        assert_eq!(
            amperity_stream_config_set_base_url(stream_config, c"http://127.0.0.1:9".as_ptr()),
            amperity_result::Ok
        );
        let mut stream = ptr::null_mut();
        assert_eq!(
            amperity_stream_client_new(stream_config, &mut stream),
            amperity_result::Ok
        );
        amperity_stream_config_free(stream_config);
        // A sender that never gets an event it would deliver (only locally refused ones).
        let mut sender = ptr::null_mut();
        assert_eq!(
            amperity_stream_sender_new(stream, c"fuzz".as_ptr(), ptr::null(), &mut sender),
            amperity_result::Ok
        );
        Fixtures {
            client: Handle(cancelled),
            stream: Handle(stream),
            object: Handle(notices),
            sender: Handle(sender),
        }
    })
}

/// A fresh configuration for tenant `acme` with [`SECRET`] as its token.
fn new_config() -> *mut amperity_config {
    let mut config = ptr::null_mut();
    assert_eq!(
        amperity_config_new(c"acme".as_ptr(), &mut config),
        amperity_result::Ok
    );
    let token = std::ffi::CString::new(SECRET).expect("no NUL");
    assert_eq!(
        amperity_config_set_token(config, token.as_ptr()),
        amperity_result::Ok
    );
    config
}

/// The last error's message.
fn last_message() -> String {
    let mut len = 0usize;
    if amperity_last_error_message(ptr::null_mut(), 0, &mut len) != amperity_result::Ok {
        return String::new();
    }
    let mut buf = vec![0u8; len + 1];
    let code = amperity_last_error_message(buf.as_mut_ptr().cast(), buf.len(), ptr::null_mut());
    assert_eq!(code, amperity_result::Ok);
    buf.truncate(len);
    String::from_utf8(buf).expect("the last error message is UTF-8")
}

/// The checks every call gets: never a panic, invalid UTF-8 refused as such, a failure leaves
/// its code as the last error and quotes no secret, and the out-parameter is written only on
/// success (`written`).
fn check(name: &str, result: amperity_result, text: Option<&str>, written: bool) {
    assert_ne!(
        result,
        amperity_result::Panic,
        "{name} panicked: {}",
        last_message()
    );
    if text.is_none() {
        assert_eq!(result, amperity_result::InvalidUtf8, "{name}");
    }
    if result == amperity_result::Ok {
        return;
    }
    assert!(
        !written,
        "{name} failed with {result:?} but wrote its out-parameter"
    );
    assert_eq!(amperity_last_error_code(), result, "{name}");
    let message = last_message();
    assert!(!message.is_empty(), "{name}: a failure has a message");
    assert!(
        !message.contains(SECRET),
        "{name} quotes the token: {message}"
    );
}

/// Calls `f` with an out-pointer preset to a sentinel; true when `f` changed it.
fn with_out<T>(f: impl FnOnce(*mut *mut T) -> amperity_result) -> (amperity_result, *mut T) {
    let sentinel = 0x5EED_usize as *mut T;
    let mut out = sentinel;
    let result = f(&mut out);
    (
        result,
        if out == sentinel {
            ptr::null_mut()
        } else {
            out
        },
    )
}

/// An iterator's first item, which a cancelled client never fetches.
fn drain(iter: *mut amperity_iter) {
    let (result, item) = with_out(|out| amperity_iter_next(iter, out));
    assert!(
        matches!(
            result,
            amperity_result::Cancelled | amperity_result::InvalidArgument
        ),
        "{result:?}"
    );
    assert!(item.is_null());
    amperity_iter_free(iter);
}

/// The target's body.
pub fn c_api_strings(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    // An argument that holds the fixtures' token may be quoted back (a path, a URL): the
    // no-secret check could not tell, so such inputs are skipped.
    if rest.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()) {
        return;
    }
    let mut bytes = rest.to_vec();
    bytes.push(0);
    let arg: *const c_char = bytes.as_ptr().cast();
    let c_text = CStr::from_bytes_until_nul(&bytes).expect("a NUL was pushed");
    let text = c_text.to_str().ok();
    let fixtures = fixtures();
    let (client, stream, object, sender) = (
        fixtures.client.0,
        fixtures.stream.0,
        fixtures.object.0,
        fixtures.sender.0,
    );
    let ok = c"ok".as_ptr();
    match which % 32 {
        // Configuration: a setter, then the client build that validates it.
        n @ 0..=9 => {
            let config = if n == 0 {
                ptr::null_mut()
            } else {
                new_config()
            };
            let (name, result) = match n {
                0 => {
                    let (result, config) = with_out(|out| amperity_config_new(arg, out));
                    check("amperity_config_new", result, text, !config.is_null());
                    if !config.is_null() {
                        let token = std::ffi::CString::new(SECRET).expect("no NUL");
                        amperity_config_set_token(config, token.as_ptr());
                        let (result, built) = with_out(|out| amperity_client_new(config, out));
                        check("amperity_client_new", result, Some(""), !built.is_null());
                        amperity_client_free(built);
                        amperity_config_free(config);
                    }
                    return;
                }
                1 => ("set_token", amperity_config_set_token(config, arg)),
                2 => (
                    "set_client_credentials",
                    if which & 0x20 == 0 {
                        amperity_config_set_client_credentials(config, arg, ok)
                    } else {
                        amperity_config_set_client_credentials(config, ok, arg)
                    },
                ),
                3 => ("set_token_url", amperity_config_set_token_url(config, arg)),
                4 => ("set_base_url", amperity_config_set_base_url(config, arg)),
                5 => (
                    "set_api_version",
                    amperity_config_set_api_version(config, arg),
                ),
                6 => (
                    "set_profile_api_version",
                    amperity_config_set_profile_api_version(config, arg),
                ),
                7 => ("set_proxy", amperity_config_set_proxy(config, arg)),
                8 => (
                    "set_user_agent_suffix",
                    amperity_config_set_user_agent_suffix(config, arg),
                ),
                _ if which & 0x20 == 0 => (
                    "add_root_certificate_pem",
                    amperity_config_add_root_certificate_pem(config, arg),
                ),
                _ => ("set_ca_file", amperity_config_set_ca_file(config, arg)),
            };
            check(name, result, text, false);
            if result == amperity_result::Ok {
                let (result, built) = with_out(|out| amperity_client_new(config, out));
                check("amperity_client_new", result, Some(""), !built.is_null());
                // A token from the input is quoted by no refusal either.
                if let Some(token) = text.filter(|t| n == 1 && t.len() >= 8) {
                    if result != amperity_result::Ok {
                        let message = last_message();
                        assert!(!message.contains(token), "the token is quoted: {message}");
                    }
                }
                if !built.is_null() {
                    let mut url: *const c_char = ptr::null();
                    let code = amperity_client_base_url(built, &mut url, ptr::null_mut());
                    assert_eq!(code, amperity_result::Ok);
                    let url = unsafe { CStr::from_ptr(url) }.to_str().expect("UTF-8");
                    assert!(!url.contains(char::is_whitespace), "{url:?}");
                }
                amperity_client_free(built);
            }
            amperity_config_free(config);
        }
        // List options: a cursor or a filter, then a list call (cancelled before it sends).
        n @ 10..=11 => {
            let (_, options) = with_out(|out| amperity_list_options_new(out));
            let result = if n == 10 {
                amperity_list_options_set_cursor(options, arg)
            } else if which & 0x20 == 0 {
                amperity_list_options_add_filter(options, arg, ok)
            } else {
                amperity_list_options_add_filter(options, c"created_from".as_ptr(), arg)
            };
            check("list_options", result, text, false);
            let (result, iter) = with_out(|out| amperity_list_segments(client, options, out));
            check("amperity_list_segments", result, Some(""), !iter.is_null());
            if !iter.is_null() {
                drain(iter);
            }
            amperity_list_options_free(options);
        }
        // Requests with a string argument, all cancelled before they send.
        12 => {
            let (r, o) = with_out(|out| amperity_get_ingest_job(client, arg, out));
            expect_refused("get_ingest_job", r, text, !o.is_null());
        }
        13 => {
            let (r, o) = with_out(|out| {
                if which & 0x20 == 0 {
                    amperity_list_ingest_jobs(client, arg, c"2026-01-02".as_ptr(), false, out)
                } else {
                    amperity_list_ingest_jobs(client, c"2026-01-01".as_ptr(), arg, true, out)
                }
            });
            expect_refused("list_ingest_jobs", r, text, !o.is_null());
        }
        14 => {
            let (r, o) = with_out(|out| amperity_get_index(client, arg, out));
            expect_refused("get_index", r, text, !o.is_null());
        }
        15 => {
            let (r, o) = with_out(|out| {
                if which & 0x20 == 0 {
                    amperity_get_profile(client, arg, ok, out)
                } else {
                    amperity_get_profile(client, ok, arg, out)
                }
            });
            expect_refused("get_profile", r, text, !o.is_null());
        }
        16 => {
            let (r, iter) = with_out(|out| amperity_list_profiles(client, arg, ptr::null(), out));
            check("list_profiles", r, text, !iter.is_null());
            if !iter.is_null() {
                drain(iter);
            }
        }
        17 | 18 => {
            let mut status = 0xBEEF_u16;
            let (r, o) = with_out(|out| match (which % 32, which & 0x20 != 0) {
                (17, false) => amperity_raw_get(client, arg, ptr::null(), &mut status, out),
                (17, true) => {
                    amperity_raw_get(client, c"/segments".as_ptr(), arg, &mut status, out)
                }
                (_, false) => {
                    amperity_raw_post(client, arg, c"{}".as_ptr(), true, &mut status, out)
                }
                (_, true) => {
                    amperity_raw_post(client, c"/x".as_ptr(), arg, false, &mut status, out)
                }
            });
            expect_refused("raw", r, text, !o.is_null() || status != 0xBEEF);
        }
        19 => {
            let (r, iter) = with_out(|out| amperity_raw_pages(client, arg, ptr::null(), out));
            check("raw_pages", r, text, !iter.is_null());
            if !iter.is_null() {
                drain(iter);
            }
        }
        20 => {
            let (r, o) = with_out(|out| match which >> 5 {
                0 => amperity_run_workflow(client, arg, ptr::null(), ptr::null(), 0, out),
                1 => amperity_run_workflow(client, ok, arg, ptr::null(), 1, out),
                2 => amperity_run_workflow(client, ok, c"2026-01-01".as_ptr(), arg, 2, out),
                _ => amperity_run_workflow(client, arg, ptr::null(), ptr::null(), 99, out),
            });
            expect_refused("run_workflow", r, text, !o.is_null());
        }
        21 => {
            let (r, o) = with_out(|out| match which >> 5 {
                0 => amperity_get_workflow_run(client, arg, 0, out),
                1 => amperity_get_workflow_run(client, arg, 7, out),
                2 => amperity_stop_workflow_run(client, arg, out),
                3 => amperity_wait_for_workflow_run_with(
                    client,
                    arg,
                    1,
                    1,
                    0,
                    None,
                    ptr::null_mut(),
                    out,
                ),
                _ => amperity_wait_for_workflow_run(client, arg, 1, 1, out),
            });
            expect_refused("workflow_run", r, text, !o.is_null());
        }
        // Reading an object with an arbitrary key.
        22 => {
            let mut s: *const c_char = ptr::null();
            let r = amperity_object_get_string(object, arg, &mut s, ptr::null_mut());
            check("object_get_string", r, text, !s.is_null());
            let mut i = 0x5EED_i64;
            let r = amperity_object_get_int(object, arg, &mut i);
            check("object_get_int", r, text, i != 0x5EED);
            let (r, o) = with_out(|out| amperity_object_get(object, arg, out));
            check("object_get", r, text, !o.is_null());
            amperity_object_free(o);
        }
        // Streaming: configuration setters, then sends of events refused locally.
        n @ 23..=27 => {
            let (_, config) = with_out(|out| {
                if n == 23 {
                    amperity_stream_config_new(arg, out)
                } else {
                    amperity_stream_config_new(c"acme".as_ptr(), out)
                }
            });
            let second = which & 0x20 != 0;
            let result = match n {
                23 => amperity_result::Ok,
                24 => amperity_stream_config_set_token(config, arg),
                25 if second => amperity_stream_config_add_root_certificate_pem(config, arg),
                25 => amperity_stream_config_set_base_url(config, arg),
                26 if second => amperity_stream_config_set_ca_file(config, arg),
                26 => amperity_stream_config_set_proxy(config, arg),
                _ => amperity_stream_config_set_user_agent_suffix(config, arg),
            };
            if n == 23 {
                check(
                    "stream_config_new",
                    if config.is_null() {
                        amperity_last_error_code()
                    } else {
                        result
                    },
                    text,
                    false,
                );
            } else {
                check("stream_config setter", result, text, false);
                if result == amperity_result::Ok {
                    // The build validates what the setter stored (and reads a ca_file).
                    if n != 24 {
                        let token = std::ffi::CString::new(SECRET).expect("no NUL");
                        amperity_stream_config_set_token(config, token.as_ptr());
                    }
                    let (r, built) = with_out(|out| amperity_stream_client_new(config, out));
                    check("amperity_stream_client_new", r, Some(""), !built.is_null());
                    amperity_stream_client_free(built);
                }
            }
            amperity_stream_config_free(config);
        }
        28 | 29 => {
            let json = which % 32 == 28;
            let trimmed = text.map(str::trim);
            let refused = match trimmed {
                None => true,
                Some("") => true,
                Some(t) => json && !t.starts_with('{'),
            };
            if refused {
                // The sender's format is JSON: an XML event goes through the client only.
                let via = if json { which >> 5 } else { which >> 5 & 1 };
                let mut sequence = 0xBEEF_u64;
                let r = match via {
                    0 if json => amperity_stream_send_json(stream, ok, arg),
                    0 => amperity_stream_send_xml(stream, ok, arg),
                    1 => {
                        let mut token = ptr::null_mut();
                        assert_eq!(amperity_cancel_token_new(&mut token), amperity_result::Ok);
                        let r = if json {
                            amperity_stream_send_json_with_token(stream, ok, arg, token)
                        } else {
                            amperity_stream_send_xml_with_token(stream, ok, arg, token)
                        };
                        amperity_cancel_token_free(token);
                        r
                    }
                    2 => amperity_stream_sender_send(sender, arg, &mut sequence),
                    _ => amperity_stream_sender_try_send(sender, arg, &mut sequence),
                };
                check("stream_send", r, text, sequence != 0xBEEF);
                assert_ne!(r, amperity_result::Ok, "a refused event was sent");
            }
            // The stream id, with an event that is always refused.
            let r = amperity_stream_send_json(stream, arg, c"[]".as_ptr());
            check("stream_send (id)", r, text, false);
            assert_ne!(r, amperity_result::Ok);
        }
        30 => {
            if text.is_none() {
                let (r, s) =
                    with_out(|out| amperity_stream_sender_new(stream, arg, ptr::null(), out));
                check("stream_sender_new", r, text, !s.is_null());
            }
        }
        _ => {
            // A config with a client-credentials secret from the input, then a build.
            let config = new_config();
            let mut cc = ptr::null_mut();
            assert_eq!(
                amperity_config_new(c"acme".as_ptr(), &mut cc),
                amperity_result::Ok
            );
            let r = amperity_config_set_client_credentials(cc, ok, arg);
            check("set_client_credentials", r, text, false);
            let r = amperity_config_set_base_url(
                cc,
                c"https://user:s3cr3t-fuzz-token-0042@h/api".as_ptr(),
            );
            check("set_base_url", r, Some(""), false);
            let (r, built) = with_out(|out| amperity_client_new(cc, out));
            check("amperity_client_new", r, Some(""), !built.is_null());
            assert_ne!(
                r,
                amperity_result::Ok,
                "a base URL with credentials is refused"
            );
            amperity_client_free(built);
            amperity_config_free(cc);
            amperity_config_free(config);
        }
    }
}

/// A request call on the cancelled client: refused (bad argument) or cancelled, never sent.
fn expect_refused(name: &str, result: amperity_result, text: Option<&str>, written: bool) {
    check(name, result, text, written);
    assert!(
        matches!(
            result,
            amperity_result::InvalidUtf8
                | amperity_result::InvalidArgument
                | amperity_result::Cancelled
        ),
        "{name}: {result:?} ({})",
        last_message()
    );
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn files(dir: &Path) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| entries.map(|e| e.expect("an entry").path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.is_file());
        files.sort();
        files
    }

    /// Replays `core/fuzz/{corpus,regressions}/c_api_strings` on stable.
    #[test]
    fn c_api_strings_corpus_replays() {
        let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/fuzz");
        let seeds = files(&fuzz.join("corpus/c_api_strings"));
        assert!(!seeds.is_empty(), "the c_api_strings seed corpus is empty");
        for file in seeds
            .iter()
            .chain(&files(&fuzz.join("regressions/c_api_strings")))
        {
            let data = std::fs::read(file).expect("readable");
            let result = std::panic::catch_unwind(|| super::c_api_strings(&data));
            assert!(result.is_ok(), "{} fails", file.display());
        }
    }
}
