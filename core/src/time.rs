//! `Timestamp`: an instant in UTC that reads every time format Amperity sends.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An instant in UTC with nanosecond precision.
///
/// Parses RFC 3339 with or without fractional seconds and with `Z` or a numeric offset
/// (`2026-06-19T04:00:18.764Z`, `2026-04-22T20:30:00Z`, `2026-04-22T22:30:00+02:00`) and the
/// partial date `2026-04-10` (midnight UTC) that Amperity's filters accept. Displays as RFC 3339
/// in UTC with milliseconds when they are not zero.
///
/// ```
/// use amperity::Timestamp;
///
/// let t = Timestamp::parse("2026-06-19T06:00:18.764+02:00")?;
/// assert_eq!(t.to_string(), "2026-06-19T04:00:18.764Z");
/// assert_eq!(Timestamp::parse("2026-04-10")?.to_string(), "2026-04-10T00:00:00Z");
/// assert!(Timestamp::parse("yesterday").is_err());
/// let _as_system_time: std::time::SystemTime = t.into();
/// # Ok::<(), amperity::TimestampError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    secs: i64,
    nanos: u32,
}

impl Timestamp {
    /// The instant `secs` seconds and `nanos` nanoseconds after the Unix epoch.
    pub fn from_unix(secs: i64, nanos: u32) -> Self {
        let extra = i64::from(nanos / 1_000_000_000);
        Timestamp {
            // Saturating: `i64::MAX` seconds and a nanosecond overflow are no panic.
            secs: secs.saturating_add(extra),
            nanos: nanos % 1_000_000_000,
        }
    }

    /// The instant `millis` milliseconds after the Unix epoch.
    pub fn from_unix_millis(millis: i64) -> Self {
        Timestamp {
            secs: millis.div_euclid(1000),
            nanos: (millis.rem_euclid(1000) as u32) * 1_000_000,
        }
    }

    /// The current time.
    pub fn now() -> Self {
        SystemTime::now().into()
    }

    /// Whole seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.secs
    }

    /// Milliseconds since the Unix epoch (saturating at `i64::MIN`/`i64::MAX` for instants more
    /// than 292 million years away, which only [`from_unix`](Self::from_unix) can make).
    pub fn unix_millis(&self) -> i64 {
        self.secs
            .saturating_mul(1000)
            .saturating_add(i64::from(self.nanos / 1_000_000))
    }

    /// True for an instant RFC 3339 can write: years 0000 to 9999 in UTC. Every timestamp parsed
    /// from text is one (so it displays as text that parses back to it).
    pub(crate) fn is_rfc3339_range(&self) -> bool {
        (MIN_RFC3339_SECS..=MAX_RFC3339_SECS).contains(&self.secs)
    }

    /// Nanoseconds within the second.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Parses RFC 3339 (fraction optional, `Z` or offset) or a `YYYY-MM-DD` date.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        parse(text.trim()).ok_or_else(|| TimestampError(text.to_owned()))
    }
}

/// `0000-01-01T00:00:00Z` and `9999-12-31T23:59:59Z` in Unix seconds: the range of RFC 3339.
const MIN_RFC3339_SECS: i64 = -62_167_219_200;
const MAX_RFC3339_SECS: i64 = 253_402_300_799;

/// A string that is not a timestamp Amperity would send or accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an RFC 3339 timestamp or YYYY-MM-DD date: {0:?}")]
pub struct TimestampError(pub String);

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl From<SystemTime> for Timestamp {
    fn from(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(d) => Timestamp::from_unix(d.as_secs() as i64, d.subsec_nanos()),
            Err(before) => {
                let d = before.duration();
                let mut secs = -(d.as_secs() as i64);
                let mut nanos = d.subsec_nanos();
                if nanos > 0 {
                    secs -= 1;
                    nanos = 1_000_000_000 - nanos;
                }
                Timestamp { secs, nanos }
            }
        }
    }
}

impl Timestamp {
    /// This instant as a `SystemTime`, or `None` where the platform's `SystemTime` cannot hold it
    /// (Windows': the years 1601 to 30827; Unix': far wider).
    pub(crate) fn to_system_time_exact(self) -> Option<SystemTime> {
        if self.secs >= 0 {
            UNIX_EPOCH.checked_add(Duration::new(self.secs.unsigned_abs(), self.nanos))
        } else {
            UNIX_EPOCH
                .checked_sub(Duration::from_secs(self.secs.unsigned_abs()))
                .and_then(|t| t.checked_add(Duration::from_nanos(u64::from(self.nanos))))
        }
    }
}

/// The instant `secs` seconds from the Unix epoch, or the one nearest to it that the platform's
/// `SystemTime` holds.
fn saturating_from_epoch(secs: i64) -> SystemTime {
    // The instant `magnitude` seconds from the epoch on the side of `secs`.
    let at = |magnitude: i64| {
        Timestamp {
            secs: secs.signum() * magnitude,
            nanos: 0,
        }
        .to_system_time_exact()
    };
    // The largest magnitude that fits: `fits` does, `too_far` does not.
    let (mut fits, mut too_far) = (0, secs.saturating_abs());
    if let Some(time) = at(too_far) {
        return time;
    }
    while too_far - fits > 1 {
        let middle = fits + (too_far - fits) / 2;
        if at(middle).is_some() {
            fits = middle;
        } else {
            too_far = middle;
        }
    }
    at(fits).unwrap_or(UNIX_EPOCH)
}

/// Saturates where the platform's `SystemTime` cannot hold the instant: at the range of RFC 3339
/// (years 0000 to 9999), then at the platform's own range (Windows' starts in 1601, so a parsed
/// year 1000 becomes 1601-01-01 there). `SystemTime` arithmetic itself would panic.
impl From<Timestamp> for SystemTime {
    fn from(ts: Timestamp) -> Self {
        ts.to_system_time_exact().unwrap_or_else(|| {
            saturating_from_epoch(ts.secs.clamp(MIN_RFC3339_SECS, MAX_RFC3339_SECS))
        })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )?;
        if self.nanos % 1_000_000 != 0 {
            write!(f, ".{:09}", self.nanos)?;
        } else if self.nanos != 0 {
            write!(f, ".{:03}", self.nanos / 1_000_000)?;
        }
        f.write_str("Z")
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

fn parse(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter().try_fold(0i64, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let date_secs = days_from_civil(year, month, day) * 86_400;
    if b.len() == 10 {
        return Some(Timestamp::from_unix(date_secs, 0));
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 20 || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos: u32 = 0;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        let digits = i - start;
        if digits == 0 {
            return None;
        }
        for _ in digits..9 {
            nanos *= 10;
        }
    }
    let offset = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let (oh, om) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let minutes = oh * 60 + om;
            if *sign == b'+' {
                minutes * 60
            } else {
                -minutes * 60
            }
        }
        _ => return None,
    };
    let secs = date_secs + hour * 3600 + minute * 60 + second.min(59) - offset;
    // An offset can move a time at the edge of year 0000 or 9999 out of RFC 3339's range, where
    // it could not be written back (`-001-12-31T…`, `10000-01-01T…`).
    Some(Timestamp { secs, nanos }).filter(Timestamp::is_rfc3339_range)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-date algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_form() {
        let ms = Timestamp::parse("2026-06-19T04:00:18.764Z").unwrap();
        assert_eq!(ms.to_string(), "2026-06-19T04:00:18.764Z");
        let whole = Timestamp::parse("2026-04-22T20:30:00Z").unwrap();
        assert_eq!(whole.to_string(), "2026-04-22T20:30:00Z");
        let offset = Timestamp::parse("2026-04-22T22:30:00+02:00").unwrap();
        assert_eq!(offset, whole);
        let date = Timestamp::parse("2026-04-10").unwrap();
        assert_eq!(date.to_string(), "2026-04-10T00:00:00Z");
        let micros = Timestamp::parse("2026-04-10T00:00:00.000001Z").unwrap();
        assert_eq!(micros.subsec_nanos(), 1000);
        assert_eq!(
            Timestamp::parse("1970-01-01T00:00:00Z")
                .unwrap()
                .unix_seconds(),
            0
        );
        assert_eq!(
            Timestamp::from_unix_millis(-1).to_string(),
            "1969-12-31T23:59:59.999Z"
        );
    }

    #[test]
    fn refuses_garbage() {
        for bad in [
            "",
            "2026",
            "2026-13-01",
            "2026-02-30",
            "2026-04-10T25:00:00Z",
            "2026-04-10T10:00:00",
            "2026-04-10T10:00:00.Z",
            "yesterday",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn offsets_never_leave_the_years_rfc_3339_can_write() {
        // Found by fuzzing (core/fuzz/regressions/datetime): these parsed to instants in year -1
        // and 10000, which displayed as text that no longer parsed.
        for edge in ["0000-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"] {
            assert!(Timestamp::parse(edge).is_err(), "{edge}");
        }
        for inside in [
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999Z",
            "0000-01-01T00:01:00+00:01",
        ] {
            let t = Timestamp::parse(inside).unwrap();
            assert_eq!(Timestamp::parse(&t.to_string()).unwrap(), t, "{inside}");
        }
    }

    #[test]
    fn extreme_instants_do_not_overflow() {
        // Found by fuzzing (core/fuzz/regressions/datetime): `from_unix` added the whole seconds
        // of `nanos` and `unix_millis` multiplied without a check (a panic in debug builds).
        let max = Timestamp::from_unix(i64::MAX, 1_999_999_999);
        assert_eq!(
            (max.unix_seconds(), max.subsec_nanos()),
            (i64::MAX, 999_999_999)
        );
        assert_eq!(max.unix_millis(), i64::MAX);
        assert_eq!(Timestamp::from_unix(i64::MIN, 0).unix_millis(), i64::MIN);
        let _ = (SystemTime::from(max), max.to_string());
        let _ = SystemTime::from(Timestamp::from_unix(i64::MIN, 0));
    }

    #[test]
    fn times_outside_the_platforms_range_saturate() {
        // Found by the Windows run of the fuzz corpus: Windows' `SystemTime` starts in 1601, and
        // a parsed year 0001 (an HTTP date in a `Sunset` header) panicked there.
        let year_one = Timestamp::parse("0001-01-01T00:00:00Z").unwrap();
        let converted = SystemTime::from(year_one);
        match year_one.to_system_time_exact() {
            Some(exact) => assert_eq!(converted, exact),
            None => {
                assert!(converted < UNIX_EPOCH);
                // The earliest instant the platform holds, to the second.
                assert!(converted.checked_sub(Duration::from_secs(1)).is_none());
            }
        }
        let last = Timestamp::parse("9999-12-31T23:59:59Z").unwrap();
        assert!(SystemTime::from(last) > UNIX_EPOCH);
    }

    #[test]
    fn round_trips_system_time() {
        let now = SystemTime::now();
        let ts = Timestamp::from(now);
        assert_eq!(SystemTime::from(ts), now);
        let json = serde_json::to_string(&ts).unwrap();
        assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), ts);
    }
}
