//! Pointer and string helpers shared by the exported functions.
//!
//! Every helper checks for NULL before it dereferences; the exported functions check every
//! out-parameter before doing any work, so a NULL out-parameter fails fast and out-parameters are
//! written only once the call has succeeded.

use super::error::{amperity_result, LastError};
use amperity_core::Timestamp;
use std::ffi::CStr;
use std::os::raw::c_char;
use std::sync::Arc;

/// A string kept with a terminating NUL so C can borrow it as `const char *`.
#[derive(Clone)]
pub(crate) enum CText {
    /// Its own allocation.
    Owned(Box<[u8]>),
    /// A slice (NUL included) of a buffer shared by the records of one page, so lending the
    /// ids of a page costs one allocation instead of one per record.
    Shared {
        arena: Arc<[u8]>,
        start: usize,
        /// Length without the NUL.
        len: usize,
    },
}

impl CText {
    /// Copies `text` and appends a NUL. A NUL inside `text` is kept; C sees the length too.
    pub fn new(text: &str) -> Self {
        let mut bytes = Vec::with_capacity(text.len() + 1);
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(0);
        CText::Owned(bytes.into_boxed_slice())
    }

    /// Takes `text` and appends a NUL, reusing its allocation when it has room.
    pub fn from_string(text: String) -> Self {
        let mut bytes = text.into_bytes();
        bytes.push(0);
        CText::Owned(bytes.into_boxed_slice())
    }

    /// One buffer holding every part followed by a NUL, for [`CText::Shared`] texts.
    pub fn arena<'a>(parts: impl Iterator<Item = &'a str> + Clone) -> Arc<[u8]> {
        let size: usize = parts.clone().map(|p| p.len() + 1).sum();
        let mut buffer = Vec::with_capacity(size);
        for part in parts {
            buffer.extend_from_slice(part.as_bytes());
            buffer.push(0);
        }
        buffer.into()
    }

    /// The text and its NUL.
    fn with_nul(&self) -> &[u8] {
        match self {
            CText::Owned(bytes) => bytes,
            CText::Shared { arena, start, len } => &arena[*start..=*start + *len],
        }
    }

    /// The text without the terminating NUL.
    pub fn as_bytes(&self) -> &[u8] {
        let bytes = self.with_nul();
        &bytes[..bytes.len() - 1]
    }

    /// Length in bytes without the terminating NUL.
    pub fn len(&self) -> usize {
        self.with_nul().len() - 1
    }

    /// Pointer to the first byte; valid while `self` lives.
    pub fn as_ptr(&self) -> *const c_char {
        self.with_nul().as_ptr().cast()
    }
}

impl std::fmt::Debug for CText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CText({:?})", String::from_utf8_lossy(self.as_bytes()))
    }
}

/// Borrows a required NUL-terminated UTF-8 argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn arg_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, LastError> {
    if ptr.is_null() {
        return Err(LastError::null(name));
    }
    CStr::from_ptr(ptr).to_str().map_err(|e| {
        LastError::new(
            amperity_result::InvalidUtf8,
            format!("{name} is not valid UTF-8: {e}"),
        )
    })
}

/// Borrows an optional string argument: NULL means "not set".
///
/// # Safety
/// As [`arg_str`].
pub(crate) unsafe fn opt_str<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, LastError> {
    if ptr.is_null() {
        Ok(None)
    } else {
        arg_str(ptr, name).map(Some)
    }
}

/// Borrows a required handle.
///
/// # Safety
/// `ptr` is NULL or a live handle of type `T` created by this library.
pub(crate) unsafe fn arg_ref<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, LastError> {
    ptr.as_ref().ok_or_else(|| LastError::null(name))
}

/// Borrows a required handle mutably.
///
/// # Safety
/// As [`arg_ref`], and no other thread uses the handle during the call.
pub(crate) unsafe fn arg_mut<'a, T>(ptr: *mut T, name: &str) -> Result<&'a mut T, LastError> {
    ptr.as_mut().ok_or_else(|| LastError::null(name))
}

/// Refuses a NULL out-parameter.
pub(crate) fn check_out<T>(ptr: *mut T, name: &str) -> Result<(), LastError> {
    if ptr.is_null() {
        Err(LastError::null(name))
    } else {
        Ok(())
    }
}

/// Writes `value` to a checked, non-NULL out-parameter.
///
/// # Safety
/// `ptr` passed [`check_out`] and points to writable memory for a `T`.
pub(crate) unsafe fn write_out<T>(ptr: *mut T, value: T) {
    ptr.write(value);
}

/// Writes `value` to an optional out-parameter (skipped when NULL).
///
/// # Safety
/// `ptr` is NULL or points to writable memory for a `T`.
pub(crate) unsafe fn write_opt<T>(ptr: *mut T, value: T) {
    if !ptr.is_null() {
        ptr.write(value);
    }
}

/// Moves a value into a new heap handle for C.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Frees a handle made by [`into_handle`]; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or came from [`into_handle`] with the same `T` and was not freed before.
pub(crate) unsafe fn free_handle<T>(ptr: *mut T) {
    if !ptr.is_null() {
        drop(Box::from_raw(ptr));
    }
}

/// Lends a string owned by a handle: `*out` points at its NUL-terminated bytes and `*out_len`
/// (when not NULL) gets its length.
///
/// # Safety
/// `out` passed [`check_out`]; `out_len` is NULL or writable.
pub(crate) unsafe fn lend(text: &CText, out: *mut *const c_char, out_len: *mut usize) {
    write_out(out, text.as_ptr());
    write_opt(out_len, text.len());
}

/// Copies `text` and a NUL into a caller buffer (the "measure, then copy" contract).
///
/// With `buf = NULL` and `buf_len = 0` only `*out_len` is written (the length without the NUL);
/// `out_len` is required then, since the length is the only answer. Otherwise the buffer must
/// hold `text.len() + 1` bytes, or nothing is written and `BufferTooSmall` is returned, and
/// `out_len` is optional (NULL skips it), as for every other length out-parameter.
///
/// # Safety
/// `buf` is NULL or points to `buf_len` writable bytes; `out_len` is NULL or writable.
pub(crate) unsafe fn copy_to_buffer(
    text: &str,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> Result<(), LastError> {
    check_copy_args(buf, buf_len, out_len)?;
    if buf.is_null() {
        write_out(out_len, text.len());
        return Ok(());
    }
    if buf_len <= text.len() {
        return Err(LastError::new(
            amperity_result::BufferTooSmall,
            format!(
                "the buffer holds {buf_len} bytes but {} are needed",
                text.len() + 1
            ),
        ));
    }
    std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), text.len());
    buf.add(text.len()).write(0);
    write_opt(out_len, text.len());
    Ok(())
}

/// Checks the arguments of a copying getter before anything else (so the answer does not depend
/// on what is stored): `buf = NULL` needs `buf_len = 0` and a non-NULL `out_len` (the length
/// query); with a buffer, `out_len` is optional.
pub(crate) fn check_copy_args(
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> Result<(), LastError> {
    if buf.is_null() {
        if buf_len != 0 {
            return Err(LastError::null("buf"));
        }
        if out_len.is_null() {
            return Err(LastError::new(
                amperity_result::NullArgument,
                "out_len must not be NULL when buf is NULL (the length query)",
            ));
        }
    }
    Ok(())
}

/// Parses a timestamp argument named `name` (RFC 3339 or `YYYY-MM-DD`).
pub(crate) fn timestamp(text: &str, name: &str) -> Result<Timestamp, LastError> {
    Timestamp::parse(text).map_err(|e| LastError::invalid(format!("{name}: {e}")))
}

/// A caller's `void *user_data`, handed back as is to its callback on whichever thread calls it
/// (the callbacks' C contract says they are thread-safe).
#[derive(Debug, Clone, Copy)]
pub(crate) struct UserData(pub(crate) *mut std::os::raw::c_void);
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

impl UserData {
    // A method, so that closures capture the whole (Send) wrapper, not its raw pointer field.
    pub(crate) fn get(&self) -> *mut std::os::raw::c_void {
        self.0
    }
}
